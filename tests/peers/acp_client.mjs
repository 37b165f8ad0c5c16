// An ACP client built on the official SDK (@agentclientprotocol/sdk, pinned here) that drives
// `gaggle acp` over stdio for tests/integration/acp_stdio_test.cpp. It runs one scenario and prints
// one JSON object (what it saw) on its last stdout line; the C++ test judges it.
//
//   node acp_client.mjs SCENARIO   with GAGGLE_BINARY, ACP_CWD and the scenario's ACP_* variables;
//                                  the rest of the environment (GOOSE_PATH_ROOT, provider) passes
//                                  through to gaggle.
// Scenarios: prompt, sessions (list, modes, titles, an image prompt, close, resume, delete), goose
// (the _goose/* methods; ACP_OTHER_DIR), storm (malformed params for every method),
// mcp (ACP_MCP_SCRIPT), permission (ACP_ANSWER = allow_once | reject_once), cancel (ACP_CANCEL_ON =
// chunk | permission), load (ACP_SESSION_ID), raw (bad JSON-RPC written by hand), http (ACP_URL,
// ACP_SECRET: /acp on gaggle agent instead of a spawned gaggle acp), ws (the same over WebSocket,
// then frames the SDK would never send; Node 20 needs NODE_OPTIONS=--experimental-websocket).
import { spawn } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { createInterface } from "node:readline";
import * as acp from "@agentclientprotocol/sdk";
import { createHttpStream } from "@agentclientprotocol/sdk/experimental/http-client";
import { createWebSocketStream } from "@agentclientprotocol/sdk/experimental/ws-client";

const scenario = process.argv[2];
const cwd = process.env.ACP_CWD;

function startAgent() {
  const child = spawn(process.env.GAGGLE_BINARY, ["acp"], { stdio: ["pipe", "pipe", "inherit"] });
  child.on("error", (e) => finish({ error: `cannot start gaggle: ${e.message}` }, 1));
  return child;
}

// Waits for gaggle to exit after its stdin closed; a hang is killed and reported, never waited on.
async function exitOf(child) {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
  const [code, signal] = await new Promise((resolve) => child.on("exit", (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return signal ? `killed by ${signal}` : code;
}

// Exits once the line is written: stdout to a pipe is asynchronous, and exiting at once would
// cut a long result short.
function finish(result, code = 0) {
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(code));
}

// Runs `op` with an SDK client connected to a fresh `gaggle acp`; `onPermission` answers
// session/request_permission. Every session/update lands in `updates`.
async function withAgent(onPermission, op) {
  const child = startAgent();
  const stream = acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout));
  const updates = [];
  const permissions = [];
  const app = acp
    .client({ name: "gaggle-test-client" })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      updates.push(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) => {
      permissions.push(params);
      return onPermission(params);
    });
  const result = await app.connectWith(stream, (ctx) => op(ctx, updates, permissions));
  child.stdin.end();
  return { ...result, exitCode: await exitOf(child) };
}

async function initializeAndCreate(ctx) {
  const init = await ctx.request(acp.methods.agent.initialize, {
    protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
  });
  const created = await ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [] });
  return { init, sessionId: created.sessionId };
}

const text = (t) => ({ type: "text", text: t });

async function promptScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "cancelled" } }),
    async (ctx, updates) => {
      const { init, sessionId } = await initializeAndCreate(ctx);
      const response = await ctx.request(acp.methods.agent.session.prompt, {
        sessionId,
        prompt: [
          text("hello there"),
          { type: "resource_link", uri: "file:///tmp/notes.md", name: "notes.md" },
          { type: "resource", resource: { uri: "file:///tmp/snippet.txt", text: "embedded words", mimeType: "text/plain" } },
        ],
      });
      return { init, sessionId, updates, stopReason: response.stopReason };
    },
  );
}

async function permissionScenario() {
  const answer = process.env.ACP_ANSWER;
  return withAgent(
    () => ({ outcome: { outcome: "selected", optionId: answer } }),
    async (ctx, updates, permissions) => {
      const { sessionId } = await initializeAndCreate(ctx);
      const response = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("write the todo")] });
      return { sessionId, updates, permissions, stopReason: response.stopReason };
    },
  );
}

// Cancels the prompt once the first text chunk (or the permission request, never answered)
// arrives: the turn must end with stopReason cancelled.
async function cancelScenario() {
  const on = process.env.ACP_CANCEL_ON;
  let cancel = () => {};
  const asked = new Promise((resolve) => (cancel = resolve));
  return withAgent(
    () => {
      cancel();
      return new Promise(() => {}); // never answered
    },
    async (ctx, updates, permissions) => {
      const { sessionId } = await initializeAndCreate(ctx);
      const prompt = ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("go slowly")] });
      if (on === "chunk") {
        while (!updates.some((u) => u.update.sessionUpdate === "agent_message_chunk"))
          await new Promise((r) => setTimeout(r, 20));
      } else {
        await asked;
      }
      await ctx.notify(acp.methods.agent.session.cancel, { sessionId });
      const response = await prompt;
      return { sessionId, updates, permissions, stopReason: response.stopReason };
    },
  );
}

// The client's own stdio MCP server (server-everything at ACP_MCP_SCRIPT) joins the session; an
// http server, which initialize does not offer, is refused, and so is one that cannot start.
async function mcpScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "cancelled" } }),
    async (ctx, updates) => {
      await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION });
      const refused = await errorOf(() =>
        ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [{ type: "websocket", name: "ws", url: "ws://127.0.0.1:9/" }] }),
      );
      const badUrl = await errorOf(() =>
        ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [{ type: "http", name: "remote", url: "ftp://127.0.0.1/", headers: [] }] }),
      );
      let broken = null;
      try {
        const missing = { name: "missing", command: "no-such-mcp-command-xyz", args: [], env: [] };
        await ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [missing] });
      } catch (e) {
        broken = { code: e.code, message: e.message };
      }
      const server = { name: "everything", command: "node", args: [process.env.ACP_MCP_SCRIPT, "stdio"], env: [] };
      // The same server over streamable HTTP, with a header the client sets.
      const remote = { type: "http", name: "remote", url: process.env.ACP_MCP_HTTP_URL, headers: [{ name: "X-From", value: "acp" }] };
      const { sessionId } = await ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [server, remote] });
      const response = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("echo please")] });
      // goose's own resource read, on the client's server.
      const resource = await ctx.request("_goose/resource/read", {
        sessionId, extensionName: "everything", uri: "demo://resource/dynamic/text/1",
      });
      const noExtension = await errorOf(() =>
        ctx.request("_goose/resource/read", { sessionId, extensionName: "nope", uri: "demo://resource/dynamic/text/1" }),
      );
      // goose's own direct tool call.
      const called = await ctx.request("_goose/tool/call", { sessionId, name: "everything__echo", arguments: { message: "direct" } });
      const noTool = await errorOf(() => ctx.request("_goose/tool/call", { sessionId, name: "everything__nope", arguments: {} }));
      return { sessionId, refused, badUrl, broken, updates, stopReason: response.stopReason, resource, noExtension, called, noTool };
    },
  );
}

// The same client over /acp on gaggle agent (ACP_URL, ACP_SECRET): initialize, a session, a
// prompt whose tool call asks permission (answered allow_once), streamed back over SSE.
async function httpScenario() {
  return promptOver(createHttpStream(process.env.ACP_URL, { headers: { "X-Secret-Key": process.env.ACP_SECRET }, cookies: "omit" }));
}

// initialize, a session, a prompt whose tool call asks permission (answered allow_once), over `stream`.
async function promptOver(stream) {
  const updates = [];
  const permissions = [];
  const app = acp
    .client({ name: "gaggle-test-http-client" })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      updates.push(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) => {
      permissions.push(params);
      return { outcome: { outcome: "selected", optionId: "allow_once" } };
    });
  return app.connectWith(stream, async (ctx) => {
    const { init, sessionId } = await initializeAndCreate(ctx);
    const response = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("write it over the wire")] });
    return { init, sessionId, updates, permissions, stopReason: response.stopReason, exitCode: 0 };
  });
}

// The SDK's WebSocket client against /acp (ws://), then a socket of our own that sends what the SDK
// never would: text that is not JSON, a batch, a request too deep to read, a good request, and last
// a binary frame, which ends the connection (close code 1003).
async function wsScenario() {
  const url = process.env.ACP_URL.replace(/^http/, "ws");
  const headers = { "X-Secret-Key": process.env.ACP_SECRET };
  // Node's own WebSocket (undici) takes headers in its second argument; the SDK passes them third,
  // as the `ws` package wants.
  class NodeWebSocket extends WebSocket {
    constructor(u, protocols, options) {
      super(u, { protocols: protocols ?? [], headers: options?.headers });
    }
  }
  const sdk = await promptOver(createWebSocketStream(url, { headers, cookies: "omit", WebSocket: NodeWebSocket }));
  const socket = new WebSocket(url, { headers });
  const answers = [];
  let deep = {};
  for (let i = 0; i < 200; ++i) deep = { a: [deep] };
  const closed = new Promise((resolve) => {
    socket.onclose = (e) => resolve({ code: e.code, reason: e.reason });
  });
  // Each frame below gets one answer; goose's dictation methods go to the dictation plugin.
  const frames = [
    "this is not json",
    "[1, 2]",
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: deep }),
    JSON.stringify({ jsonrpc: "2.0", id: 2, method: "initialize", params: { protocolVersion: 1 } }),
    JSON.stringify({ jsonrpc: "2.0", id: 3, method: "_goose/dictation/config", params: {} }),
    JSON.stringify({ jsonrpc: "2.0", id: 4, method: "_goose/dictation/models/list" }),
    JSON.stringify({ jsonrpc: "2.0", id: 5, method: "_goose/dictation/models/download/progress", params: { modelId: "../etc" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 6, method: "_goose/dictation/models/download/progress", params: { modelId: "no-such-model" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 7, method: "_goose/dictation/transcribe", params: { audio: "bm90IGF1ZGlv", mimeType: "audio/wav", provider: "local" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 8, method: "_goose/dictation/transcribe", params: { audio: 5 } }),
    JSON.stringify({ jsonrpc: "2.0", id: 9, method: "_goose/dictation/secret/save", params: { provider: "elevenlabs", value: "el-test" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 10, method: "_goose/dictation/config", params: {} }),
    JSON.stringify({ jsonrpc: "2.0", id: 11, method: "_goose/dictation/secret/save", params: { provider: "groq", value: "x" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 12, method: "_goose/dictation/model/select", params: { provider: "local", modelId: "en-us" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 13, method: "_goose/dictation/model/select", params: { provider: "local", modelId: "xx-none" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 14, method: "_goose/dictation/model/select", params: { provider: "nope", modelId: "en-us" } }),
  ];
  const answered = new Promise((resolve) => {
    socket.onmessage = (e) => {
      answers.push(JSON.parse(e.data));
      if (answers.length === frames.length) resolve();
    };
  });
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error("the raw WebSocket did not open"));
  });
  for (const f of frames) socket.send(f);
  const timer = setTimeout(() => finish({ error: "the raw frames were not all answered", answers }, 1), 20000);
  await answered;
  socket.send(new Uint8Array([1, 2, 3]));
  const close = await closed;
  clearTimeout(timer);
  return { ...sdk, raw: { answers, close } };
}

// An editor: the client offers fs and terminal. Files are read from its buffers (ACP_BUFFER_PATH
// holds ACP_BUFFER_TEXT, unsaved), written back to them (never to disk), and commands run in its
// own terminals (bash here). The prompt's tool calls come from the scripted model. With
// ACP_CANCEL_ON=terminal the prompt is cancelled once a terminal runs (with session/close when
// ACP_CLOSE_INSTEAD is set).
async function editorScenario() {
  let cancel = () => {};
  let closed = false;
  const buffers = { [process.env.ACP_BUFFER_PATH]: process.env.ACP_BUFFER_TEXT };
  const terminals = [];
  const reads = [];
  let nextTerminal = 1;
  const find = (id) => terminals.find((t) => t.id === id);
  const exitStatus = (t) => (t.exit ? { exitCode: t.exit.code, signal: t.exit.signal } : null);
  const app = acp.client({ name: "gaggle-test-editor" });
  const updates = [];
  app
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      updates.push(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, () => ({ outcome: { outcome: "selected", optionId: "allow_once" } }))
    .onRequest(acp.methods.client.fs.readTextFile, ({ params }) => {
      reads.push(params.path);
      if (!(params.path in buffers)) throw acp.RequestError.resourceNotFound(params.path);
      return { content: buffers[params.path] };
    })
    .onRequest(acp.methods.client.fs.writeTextFile, ({ params }) => {
      buffers[params.path] = params.content;
      return {};
    })
    .onRequest(acp.methods.client.terminal.create, ({ params }) => {
      const t = { id: `term-${nextTerminal++}`, command: params.command, args: params.args, cwd: params.cwd, output: "", released: false };
      t.child = spawn(params.command, params.args ?? [], { cwd: params.cwd, stdio: ["ignore", "pipe", "pipe"] });
      t.child.stdout.on("data", (d) => (t.output += d));
      t.child.stderr.on("data", (d) => (t.output += d));
      t.exited = new Promise((resolve) => t.child.on("close", (code, signal) => resolve((t.exit = { code, signal }))));
      terminals.push(t);
      if (process.env.ACP_CANCEL_ON === "terminal") setTimeout(() => cancel(), 200);
      return { terminalId: t.id };
    })
    .onRequest(acp.methods.client.terminal.waitForExit, async ({ params }) => {
      const e = await find(params.terminalId).exited;
      return { exitCode: e.code, signal: e.signal };
    })
    .onRequest(acp.methods.client.terminal.output, ({ params }) => {
      const t = find(params.terminalId);
      return { output: t.output, truncated: false, exitStatus: exitStatus(t) };
    })
    .onRequest(acp.methods.client.terminal.kill, ({ params }) => {
      find(params.terminalId).child.kill("SIGKILL");
      return {};
    })
    .onRequest(acp.methods.client.terminal.release, ({ params }) => {
      const t = find(params.terminalId);
      if (!t.exit) t.child.kill("SIGKILL");
      t.released = true;
      return {};
    });
  const child = startAgent();
  const stream = acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout));
  const result = await app.connectWith(stream, async (ctx) => {
    await ctx.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
    });
    const { sessionId } = await ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [] });
    // ACP_CLOSE_INSTEAD: session/close, which is answered only once the turn is done.
    cancel = () =>
      process.env.ACP_CLOSE_INSTEAD
        ? ctx.request(acp.methods.agent.session.close, { sessionId }).then(() => (closed = true))
        : ctx.notify(acp.methods.agent.session.cancel, { sessionId });
    const response = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("edit my notes")] });
    while (process.env.ACP_CLOSE_INSTEAD && !closed) await new Promise((r) => setTimeout(r, 20));
    return { sessionId, updates, stopReason: response.stopReason, closed };
  });
  child.stdin.end();
  const exitCode = await exitOf(child);
  // A killed command's exit is recorded once its process is reaped (a kill that never came shows as no exit).
  await Promise.race([Promise.all(terminals.map((t) => t.exited)), new Promise((r) => setTimeout(r, 5000))]);
  const shown = terminals.map(({ id, command, args, cwd: dir, output, released, exit }) => ({ id, command, args, cwd: dir, output, released, exit }));
  return { ...result, buffers, reads, terminals: shown, exitCode };
}

async function loadScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "cancelled" } }),
    async (ctx, updates) => {
      await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION });
      const sessionId = process.env.ACP_SESSION_ID;
      const loaded = await ctx.request(acp.methods.agent.session.load, { sessionId, cwd, mcpServers: [] });
      let unknown = null;
      try {
        await ctx.request(acp.methods.agent.session.load, { sessionId: "20990101_999", cwd, mcpServers: [] });
      } catch (e) {
        unknown = { code: e.code, message: e.message, data: e.data };
      }
      return { sessionId, loaded, updates, unknown };
    },
  );
}

// Captures an expected error of `op` as {code, message, data}; a success is a failure.
async function errorOf(op) {
  try {
    await op();
  } catch (e) {
    return { code: e.code, message: e.message, data: e.data };
  }
  throw new Error("the request succeeded but should have failed");
}

const DOT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

// The session methods an editor or the desktop uses besides prompting: two sessions, one put in
// approve mode and retitled, prompted with an image (its tool call then asks permission, answered
// allow_once), listed, closed and resumed; the other deleted. Bad ids, modes and cursors fail.
async function sessionsScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "selected", optionId: "allow_once" } }),
    async (ctx, updates, permissions) => {
      const { init, sessionId: kept } = await initializeAndCreate(ctx);
      const created = await ctx.request(acp.methods.agent.session.new, { cwd, mcpServers: [] });
      const dropped = created.sessionId;
      const s = acp.methods.agent.session;
      await ctx.request(s.setMode, { sessionId: kept, modeId: "approve" });
      const badMode = await errorOf(() => ctx.request(s.setMode, { sessionId: kept, modeId: "yolo" }));
      // session/set_title is unstable in the schema: the stable client knows it by name only.
      const titled = await ctx.request("session/set_title", { sessionId: kept, title: "  Groceries  " });
      const badTitle = await errorOf(() => ctx.request("session/set_title", { sessionId: kept, title: "   " }));
      // The model choice: another model of the same provider becomes the session's, so the prompt uses it.
      const modelOption = created.configOptions.find((o) => o.id === "model");
      const current = modelOption.options.find((g) => g.options.some((o) => o.value === modelOption.currentValue));
      const choice = current.options.map((o) => o.value).find((v) => v !== modelOption.currentValue);
      const setModel = await ctx.request(s.setConfigOption, { sessionId: kept, configId: "model", value: choice });
      const badConfig = await errorOf(() => ctx.request(s.setConfigOption, { sessionId: kept, configId: "nope", value: choice }));
      const badModel = await errorOf(() =>
        ctx.request(s.setConfigOption, { sessionId: kept, configId: "model", value: "openai/no-such-model" }),
      );
      const prompted = await ctx.request(s.prompt, {
        sessionId: kept,
        prompt: [text("what is in this picture?"), { type: "image", data: DOT_PNG, mimeType: "image/png" }],
      });
      const badImage = await errorOf(() =>
        ctx.request(s.prompt, { sessionId: kept, prompt: [{ type: "image", data: "not base64!", mimeType: "image/png" }] }),
      );
      const listed = await ctx.request(s.list, {});
      const elsewhere = await ctx.request(s.list, { cwd: "/no/such/project" });
      const badCursor = await errorOf(() => ctx.request(s.list, { cursor: "not-a-cursor" }));
      await ctx.request(s.close, { sessionId: kept });
      const resumed = await ctx.request(s.resume, { sessionId: kept, cwd, mcpServers: [] });
      // session/fork is unstable in the schema: known by name, as set_title.
      const forked = await ctx.request("session/fork", { sessionId: kept, cwd, mcpServers: [] });
      const forkUnknown = await errorOf(() => ctx.request("session/fork", { sessionId: "20990101_9", cwd }));
      await ctx.request(s.delete, { sessionId: dropped });
      const afterDelete = await ctx.request(s.list, { cwd });
      // The agent answers -32002; the SDK, as ACP recommends, makes that a success: the end state is the same.
      const deleteAgain = await ctx.request(s.delete, { sessionId: dropped });
      const resumeUnknown = await errorOf(() => ctx.request(s.resume, { sessionId: "20990101_9", cwd }));
      // session/archive and session/unarchive are unstable in the schema: known by name.
      await ctx.request("session/archive", { sessionId: forked.sessionId });
      const afterArchive = await ctx.request(s.list, { cwd });
      const onlyArchived = await ctx.request(s.list, { cwd, archived: "only" });
      const withArchived = await ctx.request(s.list, { cwd, archived: "include" });
      const badArchived = await errorOf(() => ctx.request(s.list, { archived: "sometimes" }));
      const archiveUnknown = await errorOf(() => ctx.request("session/archive", { sessionId: "20990101_9" }));
      await ctx.request("session/unarchive", { sessionId: forked.sessionId });
      const afterUnarchive = await ctx.request(s.list, { cwd });
      const archived = { afterArchive, onlyArchived, withArchived, badArchived, archiveUnknown, afterUnarchive };
      return {
        archived,
        init, kept, dropped, newModes: created.modes, badMode, modelOption, choice, setModel, badConfig, badModel, titled, badTitle, stopReason: prompted.stopReason, badImage,
        listed, elsewhere, badCursor, resumed, forked, forkUnknown, afterDelete, deleteAgain, resumeUnknown, updates, permissions,
      };
    },
  );
}

// goose's own methods (`_goose/...`, session/get) as its desktop calls them: providers and their
// details, the session's provider and model, config values and secrets, the working dir, tools,
// export and import. Bad params and unknown methods fail with their codes.
async function gooseScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "cancelled" } }),
    async (ctx) => {
      const { sessionId } = await initializeAndCreate(ctx);
      const call = (method, params) => ctx.request(method, params);
      const providers = await call("_goose/providers/list", {});
      const details = await call("_goose/providers/details", {});
      const providerUpdate = await call("_goose/session/provider/update", {
        sessionId, provider: "openai", model: "gpt-4o-mini", contextLimit: 64000, requestParams: { top_k: 3 },
      });
      const badProvider = await errorOf(() => call("_goose/session/provider/update", { sessionId, provider: "no-such" }));
      const badLimit = await errorOf(() =>
        call("_goose/session/provider/update", { sessionId, provider: "openai", contextLimit: "many" }),
      );
      const prompted = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [text("which model?")] });
      const got = await call("session/get", { sessionId, includeMessages: true });
      const gotShort = await call("session/get", { sessionId });
      const unknownSession = await errorOf(() => call("session/get", { sessionId: "20990101_9" }));
      const exported = await call("_goose/session/export", { sessionId });
      const imported = await call("_goose/session/import", { data: exported.data });
      const badImport = await errorOf(() => call("_goose/session/import", { data: "{not json" }));
      await call("_goose/config/upsert", { key: "GAGGLE_ACP_TEST", value: { depth: 2 }, isSecret: false });
      const configRead = await call("_goose/config/read", { key: "GAGGLE_ACP_TEST", isSecret: false });
      await call("_goose/config/remove", { key: "GAGGLE_ACP_TEST", isSecret: false });
      const configGone = await call("_goose/config/read", { key: "GAGGLE_ACP_TEST", isSecret: false });
      const removeAgain = await errorOf(() => call("_goose/config/remove", { key: "GAGGLE_ACP_TEST", isSecret: false }));
      await call("_goose/config/upsert", { key: "ACP_TEST_SECRET", value: "s3cret-value", isSecret: true });
      const secretRead = await call("_goose/config/read", { key: "ACP_TEST_SECRET", isSecret: true });
      const badKey = await errorOf(() => call("_goose/config/read", { key: "", isSecret: false }));
      const noFlag = await call("_goose/config/read", { key: "GAGGLE_NEVER_SET" });
      await call("_goose/secret/upsert", { key: "ACP_OTHER_SECRET", value: "hidden-too" });
      const secretExists = await call("_goose/secret/check", { key: "ACP_OTHER_SECRET" });
      await call("_goose/secret/remove", { key: "ACP_OTHER_SECRET" });
      const secretGone = await call("_goose/secret/check", { key: "ACP_OTHER_SECRET" });
      const secretRemoveAgain = await errorOf(() => call("_goose/secret/remove", { key: "ACP_OTHER_SECRET" }));
      const configuredExtensions = await call("_goose/config/extensions", {});
      await call("_goose/extensions/add", { sessionId, config: { type: "platform", name: "chatrecall" } });
      const withRecall = await call("_goose/session/extensions", { sessionId });
      const recallTools = await call("_goose/tools", { sessionId, extensionName: "chatrecall" });
      const badExtension = await errorOf(() =>
        call("_goose/extensions/add", { sessionId, config: { type: "platform", name: "nosuch" } }),
      );
      await call("_goose/extensions/remove", { sessionId, name: "chatrecall" });
      const withoutRecall = await call("_goose/session/extensions", { sessionId });
      const removeUnknown = await errorOf(() => call("_goose/extensions/remove", { sessionId, name: "chatrecall" }));
      const tools = await call("_goose/tools", { sessionId });
      await call("_goose/working_dir/update", { sessionId, workingDir: process.env.ACP_OTHER_DIR });
      const moved = await call("session/get", { sessionId });
      const badDir = await errorOf(() => call("_goose/working_dir/update", { sessionId, workingDir: "/no/such/dir" }));
      const badParams = await errorOf(() => call("_goose/providers/list", [1, 2]));
      const unknownMethod = await errorOf(() => call("_goose/no/such", {}));
      return {
        sessionId, providers, details, providerUpdate, badProvider, badLimit, stopReason: prompted.stopReason, got, gotShort,
        unknownSession, exported, imported, badImport, configRead, configGone, removeAgain, secretRead, badKey, noFlag, tools,
        secretExists, secretGone, secretRemoveAgain, configuredExtensions, withRecall, recallTools, badExtension, withoutRecall,
        removeUnknown,
        moved, badDir, badParams, unknownMethod,
      };
    },
  );
}

// Authentication is the configured provider's credentials. Run with GOOSE_PROVIDER=anthropic and
// no Anthropic key: authenticate names the key, and succeeds once it is set. auth/status is
// unstable in the schema: known by name.
async function authScenario() {
  return withAgent(
    () => ({ outcome: { outcome: "cancelled" } }),
    async (ctx) => {
      const init = await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: {} });
      const auth = { methods: init.authMethods, capabilities: init.agentCapabilities.auth };
      auth.wrongMethod = await errorOf(() => ctx.request("authenticate", { methodId: "password" }));
      auth.missing = await errorOf(() => ctx.request("authenticate", { methodId: "provider-credentials" }));
      auth.statusMissing = await ctx.request("auth/status", {});
      await ctx.request("_goose/secret/upsert", { key: "ANTHROPIC_API_KEY", value: "sk-ant-test" });
      auth.authenticated = await ctx.request("authenticate", { methodId: "provider-credentials" });
      auth.after = await ctx.request("auth/status", {});
      return auth;
    },
  );
}

// Lines the SDK would never send, written by hand; every answer is collected by id.
async function rawScenario() {
  const child = startAgent();
  const lines = createInterface({ input: child.stdout });
  const answers = [];
  const wanted = 9;
  const done = new Promise((resolve) =>
    lines.on("line", (l) => {
      answers.push(JSON.parse(l));
      if (answers.length === wanted) resolve();
    }),
  );
  const send = (s) => child.stdin.write(s + "\n");
  send("this is not json");
  send("[1, 2, 3]");
  send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "no/such_method", params: {} }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "initialize", params: { protocolVersion: "one" } }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "session/new", params: { cwd: 5, mcpServers: [] } }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "session/new", params: { cwd: "relative/dir", mcpServers: [] } }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "session/prompt", params: { sessionId: "20990101_1", prompt: [text("hi")] } }));
  send(JSON.stringify({ jsonrpc: "2.0", method: "session/cancel", params: { sessionId: "20990101_1" } }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "session/prompt", params: { sessionId: "x", prompt: "not blocks" } }));
  send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "initialize", params: { protocolVersion: 1 } }));
  const timer = setTimeout(() => finish({ error: "not every line was answered", answers }, 1), 30000);
  await done;
  clearTimeout(timer);
  child.stdin.end();
  return { answers, exitCode: await exitOf(child) };
}

// A storm: every method the agent answers, each sent params it must refuse (wrong shapes, wrong
// types, unknown ids, control characters, deep nesting), written by hand. Every request must be
// answered, and the agent must still work afterwards.
async function stormScenario() {
  const methods = [
    "initialize", "authenticate", "session/new", "session/load", "session/resume", "session/fork", "session/list", "session/close",
    "session/delete", "session/set_mode", "session/set_title", "session/set_config_option", "session/prompt", "session/get",
    "session/archive", "session/unarchive", "auth/status",
    "_goose/session/export", "_goose/session/import", "_goose/session/provider/update", "_goose/providers/list",
    "_goose/providers/details", "_goose/providers/models", "_goose/config/read", "_goose/config/upsert",
    "_goose/config/remove", "_goose/working_dir/update", "_goose/tools", "_goose/secret/check", "_goose/secret/upsert",
    "_goose/secret/remove", "_goose/config/extensions", "_goose/session/extensions", "_goose/extensions/add",
    "_goose/extensions/remove", "_goose/resource/read", "_goose/tool/call", "_goose/dictation/transcribe",
    "_goose/dictation/models/download", "_goose/dictation/models/download/progress", "_goose/dictation/models/cancel",
    "_goose/dictation/models/delete", "_goose/dictation/secret/save", "_goose/dictation/model/select",
  ];
  let deep = {};
  for (let i = 0; i < 200; ++i) deep = { a: [deep] };
  const variants = [
    undefined, [], 5, "x", {}, { sessionId: 5 }, { sessionId: "20990101_1" }, { sessionId: "../../etc/passwd" },
    { sessionId: "20990101_1", cwd: "relative", mcpServers: {} }, { cwd: "/", mcpServers: [{ name: 3 }] },
    { key: 7, isSecret: "yes" }, { key: "a\u0001b", isSecret: false }, { key: "", value: null, isSecret: false },
    { provider: ["openai"], sessionId: "20990101_1", contextLimit: -1 }, { providerName: "no-such" },
    { data: "{\"conversation\": 5}" }, { sessionId: "20990101_1", prompt: [{ type: "image", data: "@@", mimeType: "text/html" }] },
    { sessionId: "20990101_1", workingDir: "/no/such" }, { cursor: 12 }, { modeId: null, configId: {}, title: [] }, deep,
  ];
  const child = startAgent();
  const lines = createInterface({ input: child.stdout });
  const answers = new Map();
  const unreadable = [];
  let id = 0;
  let wanted = 0;
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  lines.on("line", (l) => {
    const m = JSON.parse(l);
    // An answer to a line too deep to read carries id null, as JSON-RPC says of an unreadable id.
    if (m.method) return; // the agent's notifications (session/update)
    if (m.id !== undefined && m.id !== null) answers.set(m.id, m);
    else unreadable.push(m);
    if (wanted && answers.size + unreadable.length >= wanted) resolveAll();
  });
  const sent = [];
  for (const method of methods)
    for (const params of variants) {
      const message = { jsonrpc: "2.0", id: ++id, method };
      if (params !== undefined) message.params = params;
      sent.push({ id, method, params: params === deep ? "deep" : params });
      child.stdin.write(JSON.stringify(message) + "\n");
    }
  // Still alive and well: a real session after the storm.
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "initialize", params: { protocolVersion: 1 } }) + "\n");
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "session/new", params: { cwd, mcpServers: [] } }) + "\n");
  wanted = id;
  if (answers.size + unreadable.length >= wanted) resolveAll();
  const timer = setTimeout(() => finish({ error: `answered ${answers.size} + ${unreadable.length} of ${wanted}` }, 1), 60000);
  await all;
  clearTimeout(timer);
  child.stdin.end();
  const results = sent.map((s) => {
    const a = answers.get(s.id);
    return { ...s, answer: a && (a.error ? { error: a.error } : { result: "ok" }) };
  });
  return { results, unreadable, afterInit: answers.get(id - 1), afterNew: answers.get(id), exitCode: await exitOf(child) };
}

const scenarios = { auth: authScenario, storm: stormScenario, goose: gooseScenario, sessions: sessionsScenario, http: httpScenario, ws: wsScenario, editor: editorScenario, mcp: mcpScenario, prompt: promptScenario, permission: permissionScenario, cancel: cancelScenario, load: loadScenario, raw: rawScenario };
if (!scenarios[scenario]) finish({ error: `unknown scenario ${scenario}` }, 2);
else
  scenarios[scenario]().then(
    (result) => finish(result),
    (e) => finish({ error: String(e && e.stack ? e.stack : e), code: e && e.code, data: e && e.data }, 1),
  );
