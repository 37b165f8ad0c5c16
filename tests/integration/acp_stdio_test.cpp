// `gaggle acp` (ACP over stdio) driven by a client written with the official ACP SDK
// (tests/peers/acp_client.mjs, @agentclientprotocol/sdk pinned in tests/peers), beside a real
// `gaggle agent` sharing its GOOSE_PATH_ROOT: the same sessions, the same scripted model.
#include <doctest/doctest.h>

#include "acp_client_run.hpp"
#include "node_peer.hpp"
#include "scripted_model_replies.hpp"

#include <filesystem>
#include <fstream>
#include <set>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

json streamed_reply(std::vector<std::string> pieces, int delay_ms = 0)
{
    json chunks = json::array({{{"thinking", "The user greets me."}}});
    for (auto& p : pieces) chunks.push_back({{"text", p}});
    return {{"format", "openai"}, {"chunks", chunks}, {"delay_ms", delay_ms}, {"usage", {{"input_tokens", 10}, {"output_tokens", 5}}}};
}

} // namespace


TEST_CASE("ACP stdio: initialize, a new session and a prompt streamed as chunks; the session is a REST session")
{
    AgentHarness h(json::array({streamed_reply({"Hel", "lo ", "there"})}));
    const auto run = run_client(h, "prompt");
    const Json& r = run.result;
    CHECK(r["init"]["protocolVersion"] == 1);
    CHECK(r["init"]["agentCapabilities"]["loadSession"] == true);
    CHECK(r["init"]["agentCapabilities"]["promptCapabilities"]["embeddedContext"] == true);
    CHECK(r["init"]["authMethods"].size() == 1); // provider-credentials: see the authenticate case
    CHECK(r["stopReason"] == "end_turn");
    CHECK(updates_of(r, "agent_message_chunk").size() == 3);
    CHECK(chunk_text(r, "agent_message_chunk") == "Hello there");
    CHECK(chunk_text(r, "agent_thought_chunk") == "The user greets me.");

    // The model got the text, the link and the embedded resource as the user's message.
    REQUIRE(h.provider().requests().size() == 1);
    const std::string sent = h.provider().requests()[0].body;
    CHECK(sent.find("hello there") != std::string::npos);
    CHECK(sent.find("file:///tmp/notes.md") != std::string::npos);
    CHECK(sent.find("embedded words") != std::string::npos);

    // The ACP session is a Gaggle session: listed and readable over REST.
    const std::string id = r["sessionId"];
    CHECK(listed(h, id));
    const Json session = h.session(id);
    REQUIRE(session["conversation"].size() == 2);
    CHECK(session["conversation"][1]["content"].dump().find("Hello there") != std::string::npos);
}

TEST_CASE("ACP stdio: the client's stdio and HTTP MCP servers from session/new serve the model's tool calls")
{
    AgentHarness h(json::array({scripted_tool_call("call_echo", "remote__echo", "{\"message\":\"hello acp\"}"), scripted_text("Echoed.")}));
    const std::string script = peer_script("@modelcontextprotocol/server-everything/dist/index.js");
    NodePeer http_server(script, {"streamableHttp"});
    const Json r = run_client(h, "mcp", {{"ACP_MCP_SCRIPT", script}, {"ACP_MCP_HTTP_URL", http_server.url("/mcp")}}).result;
    CHECK(r["refused"]["code"] == -32602); // stdio, http and sse only, as initialize says
    CHECK(r["refused"]["message"].get<std::string>().find("must be stdio, http or sse") != std::string::npos);
    CHECK(r["badUrl"]["code"] == -32602);
    CHECK(r["badUrl"]["message"].get<std::string>().find("http:// or https://") != std::string::npos);
    CHECK(r["broken"]["code"] == -32603);
    CHECK(r["broken"]["message"].get<std::string>().find("missing") != std::string::npos);
    // The session whose server could not start is not left behind: only the good one exists.
    const Json all = Json::parse(h.server().get("/sessions?include_empty=true").body);
    REQUIRE(all["sessions"].size() == 1);
    CHECK(all["sessions"][0]["id"] == r["sessionId"]);
    const auto calls = updates_of(r, "tool_call");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["title"] == "remote__echo"); // the HTTP server's
    const auto done = updates_of(r, "tool_call_update");
    REQUIRE(done.size() == 1);
    CHECK(done[0]["status"] == "completed");
    CHECK(done[0]["content"][0]["content"]["text"] == "Echo: hello acp");
    CHECK(chunk_text(r, "agent_message_chunk") == "Echoed.");
    CHECK(r["stopReason"] == "end_turn");
    // The model was offered both of the client's servers' tools.
    CHECK(h.provider().requests().at(0).body.find("everything__echo") != std::string::npos);
    CHECK(h.provider().requests().at(0).body.find("remote__echo") != std::string::npos);
    // _goose/resource/read answers the server's ReadResourceResult whole.
    const Json& contents = r["resource"]["result"]["contents"];
    REQUIRE(contents.is_array());
    REQUIRE(contents.size() == 1);
    CHECK(contents[0]["uri"] == "demo://resource/dynamic/text/1");
    CHECK(contents[0]["text"].is_string());
    CHECK(r["noExtension"]["code"].is_number_integer());
    CHECK(r["noExtension"]["message"].get<std::string>().find("nope") != std::string::npos);
    // _goose/tool/call calls one tool directly, in goose's camelCase shape.
    CHECK(r["called"]["isError"] == false);
    CHECK(r["called"]["content"][0]["text"] == "Echo: direct");
    CHECK(r["noTool"]["message"].get<std::string>().find("everything__nope") != std::string::npos);
}

TEST_CASE("ACP stdio: a tool needing approval asks session/request_permission, answered both ways")
{
    const std::map<std::string, std::string> approve{{"GOOSE_MODE", "approve"}};
    SUBCASE("allow_once runs the tool")
    {
        AgentHarness h(json::array({scripted_tool_call("call_w", "todo__todo_write", "{\"content\":\"x\"}"), scripted_text("written")}));
        auto env = approve;
        env["ACP_ANSWER"] = "allow_once";
        const Json r = run_client(h, "permission", env).result;
        REQUIRE(r["permissions"].size() == 1);
        const Json& ask = r["permissions"][0];
        CHECK(ask["toolCall"]["toolCallId"] == "call_w");
        CHECK(ask["toolCall"]["title"] == "todo__todo_write");
        std::vector<std::string> options;
        for (auto& o : ask["options"]) options.push_back(o["optionId"]);
        CHECK(options == std::vector<std::string>{"allow_once", "allow_always", "reject_once"});

        const auto calls = updates_of(r, "tool_call");
        REQUIRE(calls.size() == 1);
        CHECK(calls[0]["toolCallId"] == "call_w");
        CHECK(calls[0]["status"] == "pending");
        CHECK(calls[0]["rawInput"]["content"] == "x");
        const auto progress = updates_of(r, "tool_call_update");
        REQUIRE(progress.size() == 2);
        CHECK(progress[0]["status"] == "in_progress");
        CHECK(progress[1]["status"] == "completed");
        CHECK(chunk_text(r, "agent_message_chunk") == "written");
        CHECK(r["stopReason"] == "end_turn");
        CHECK(h.session(r["sessionId"])["extension_data"]["todo.v0"]["content"] == "x");
    }
    SUBCASE("reject_once declines it")
    {
        AgentHarness h(json::array({scripted_tool_call("call_w", "todo__todo_write", "{\"content\":\"x\"}"), scripted_text("as you wish")}));
        auto env = approve;
        env["ACP_ANSWER"] = "reject_once";
        const Json r = run_client(h, "permission", env).result;
        REQUIRE(r["permissions"].size() == 1);
        const auto progress = updates_of(r, "tool_call_update");
        REQUIRE(progress.size() == 1);
        CHECK(progress[0]["status"] == "failed");
        CHECK(progress[0]["content"][0]["content"]["text"].get<std::string>().find("declined") != std::string::npos);
        CHECK(r["stopReason"] == "end_turn");
        CHECK_FALSE(h.session(r["sessionId"])["extension_data"].contains("todo.v0"));
        CHECK(h.provider().requests().size() == 2); // the model heard the refusal and answered
    }
}

TEST_CASE("ACP stdio: session/cancel ends the turn with stopReason cancelled")
{
    SUBCASE("mid-stream")
    {
        std::vector<std::string> pieces(200, "word ");
        AgentHarness h(json::array({streamed_reply(pieces, 100)}));
        const Json r = run_client(h, "cancel", {{"ACP_CANCEL_ON", "chunk"}}).result;
        CHECK(r["stopReason"] == "cancelled");
        CHECK(!updates_of(r, "agent_message_chunk").empty());
        CHECK(h.provider().wait_for_client_close(0, std::chrono::seconds(10))); // the model call was cut
    }
    SUBCASE("while a permission request is never answered")
    {
        AgentHarness h(json::array({scripted_tool_call("call_w", "todo__todo_write", "{\"content\":\"x\"}"), scripted_text("never")}));
        const Json r = run_client(h, "cancel", {{"ACP_CANCEL_ON", "permission"}, {"GOOSE_MODE", "approve"}}).result;
        CHECK(r["permissions"].size() == 1);
        CHECK(r["stopReason"] == "cancelled");
        CHECK(h.provider().requests().size() == 1); // the model is not asked again
        CHECK_FALSE(h.session(r["sessionId"])["extension_data"].contains("todo.v0"));
    }
}

TEST_CASE("ACP stdio: sessions are listed, retitled, put in a mode, closed, resumed, forked and deleted; a prompt carries an image")
{
    AgentHarness h(json::array({scripted_tool_call("call_w", "todo__todo_write", "{\"content\":\"x\"}"), scripted_text("written")}));
    const Json r = run_client(h, "sessions").result;
    const std::string kept = r["kept"], dropped = r["dropped"];
    const Json& caps = r["init"]["agentCapabilities"];
    CHECK(caps["promptCapabilities"]["image"] == true);
    for (const char* c : {"list", "delete", "resume", "close", "fork"}) CHECK(caps["sessionCapabilities"].contains(c));

    // Modes: goose's four, auto by default; approve set over ACP is the session's own, so the
    // tool call asked permission although GOOSE_MODE is unset.
    CHECK(r["newModes"]["currentModeId"] == "auto");
    CHECK(r["newModes"]["availableModes"].size() == 4);
    const auto mode_updates = updates_of(r, "current_mode_update");
    REQUIRE(mode_updates.size() == 1);
    CHECK(mode_updates[0]["currentModeId"] == "approve");
    CHECK(r["badMode"]["code"] == -32602);
    REQUIRE(r["permissions"].size() == 1);
    CHECK(r["stopReason"] == "end_turn");
    CHECK(h.session(kept)["extension_data"]["goose_mode.v0"]["mode"] == "approve");
    CHECK(r["resumed"]["modes"]["currentModeId"] == "approve");

    // The model option: openai's known models, the configured one current; another chosen is the
    // session's own and the prompt went to it. Unknown ids and values are refused.
    CHECK(r["modelOption"]["currentValue"] == "openai/gpt-4o");
    CHECK(r["modelOption"]["category"] == "model");
    const std::string choice = r["choice"];
    REQUIRE(choice.rfind("openai/", 0) == 0);
    const std::string chosen_model = choice.substr(7);
    CHECK(r["setModel"]["configOptions"][0]["currentValue"] == choice);
    CHECK(r["badConfig"]["code"] == -32602);
    CHECK(r["badModel"]["code"] == -32602);
    CHECK(h.session(kept)["model_config"]["model_name"] == chosen_model);
    CHECK(h.provider().requests().at(0).body.find("\"model\":\"" + chosen_model + "\"") != std::string::npos);

    // The title is the user's name for the session, trimmed, as REST's rename does.
    CHECK(r["titled"]["title"] == "Groceries");
    CHECK(r["badTitle"]["code"] == -32602);
    CHECK(updates_of(r, "session_info_update").at(0)["title"] == "Groceries");
    CHECK(h.session(kept)["name"] == "Groceries");

    // The image reached the model as image content; bad base64 is refused before any turn.
    REQUIRE(h.provider().requests().size() == 2);
    CHECK(h.provider().requests()[0].body.find("data:image/png;base64,iVBORw0KGgo") != std::string::npos);
    CHECK(r["badImage"]["code"] == -32602);

    // Listing: newest first, both sessions with their directory; other directories have none.
    REQUIRE(r["listed"]["sessions"].size() == 2);
    const Json& first = r["listed"]["sessions"][0];
    CHECK(first["sessionId"] == kept); // prompted last, so updated last
    CHECK(first["title"] == "Groceries");
    CHECK(first["cwd"] == h.server().root().string());
    CHECK(first["updatedAt"].get<std::string>().find('T') != std::string::npos);
    CHECK_FALSE(r["listed"].contains("nextCursor"));
    CHECK(r["elsewhere"]["sessions"].empty());
    CHECK(r["badCursor"]["code"] == -32602);

    // Forked: a new session holding the whole conversation, in the same mode; an unknown id is -32002.
    const std::string forked = r["forked"]["sessionId"];
    CHECK(forked != kept);
    CHECK(r["forked"]["modes"]["currentModeId"] == "approve");
    const Json original = h.session(kept), copy = h.session(forked);
    CHECK(copy["conversation"].size() == original["conversation"].size());
    CHECK(copy["conversation"].size() >= 4); // the prompt, the tool call, its result, the answer
    CHECK(copy["working_dir"] == original["working_dir"]);
    CHECK(r["forkUnknown"]["code"] == -32002);

    // Deleted: gone from ACP's list and from REST; a second delete is a success to the client.
    REQUIRE(r["afterDelete"]["sessions"].size() == 2);
    std::set<std::string> left;
    for (const auto& listed : r["afterDelete"]["sessions"]) left.insert(listed["sessionId"].get<std::string>());
    CHECK(left == std::set<std::string>{kept, forked});
    CHECK(h.server().get("/sessions/" + dropped).status == 404);
    CHECK(h.server().get("/sessions/" + kept).status == 200);
    CHECK(r["deleteAgain"].is_object());
    CHECK(r["resumeUnknown"]["code"] == -32002);

    // Archived: out of the default listing, in "only" and "include", flagged on every entry, in
    // REST with its time; unarchived, back. A filter the agent does not know is refused.
    CHECK(caps["sessionCapabilities"].contains("archive"));
    const Json& archived = r["archived"];
    auto listed_ids = [](const Json& listing) {
        std::set<std::string> ids;
        for (const auto& s : listing["sessions"]) ids.insert(s["sessionId"].get<std::string>());
        return ids;
    };
    CHECK(listed_ids(archived["afterArchive"]) == std::set<std::string>{kept});
    CHECK(listed_ids(archived["onlyArchived"]) == std::set<std::string>{forked});
    CHECK(archived["onlyArchived"]["sessions"][0]["archived"] == true);
    CHECK(listed_ids(archived["withArchived"]) == std::set<std::string>{kept, forked});
    for (const auto& s : archived["withArchived"]["sessions"]) CHECK(s["archived"] == (s["sessionId"] == forked));
    CHECK(archived["badArchived"]["code"] == -32602);
    CHECK(archived["archiveUnknown"]["code"] == -32002);
    CHECK(listed_ids(archived["afterUnarchive"]) == std::set<std::string>{kept, forked});
    CHECK_FALSE(h.session(forked).contains("archived_at"));

    // Each session opened (two new, one resumed, one forked) is told the slash commands a prompt may start with.
    const auto commands = updates_of(r, "available_commands_update");
    CHECK(commands.size() == 4);
    std::set<std::string> names;
    for (auto& c : commands.at(0)["availableCommands"]) names.insert(c["name"].get<std::string>());
    CHECK(names.count("compact") == 1);
    CHECK(names.count("clear") == 1);
}

TEST_CASE("ACP stdio: goose's _goose/* methods read and change providers, config, secrets, extensions, the working dir, tools and sessions")
{
    AgentHarness h(json::array({scripted_text("I am the mini one.")}));
    const std::string other = (h.server().root() / "other-project").string();
    std::filesystem::create_directories(other);
    const Json r = run_client(h, "goose", {{"ACP_OTHER_DIR", other}, {"GOOSE_DISABLE_KEYRING", "1"}}).result;
    const std::string id = r["sessionId"];

    // Providers: openai (a plugin) listed with its label; details in the goose SDK's camelCase.
    bool listed_openai = false;
    for (auto& p : r["providers"]["providers"])
        if (p["id"] == "openai") listed_openai = p["label"].is_string() && p["configured"] == true;
    CHECK(listed_openai);
    Json openai;
    for (auto& p : r["details"]["providers"])
        if (p["name"] == "openai") openai = p;
    REQUIRE(openai.is_object());
    CHECK(openai["isConfigured"] == true);
    CHECK(openai["knownModels"].size() > 0);
    CHECK(openai["configKeys"].size() > 0);

    // The provider update is the session's own (as POST /agent/update_provider) and the prompt used it.
    CHECK(r["providerUpdate"]["configOptions"][0]["currentValue"] == "openai/gpt-4o-mini");
    const Json session = h.session(id);
    CHECK(session["model_config"]["model_name"] == "gpt-4o-mini");
    CHECK(session["model_config"]["context_limit"] == 64000);
    CHECK(session["model_config"]["request_params"]["top_k"] == 3);
    CHECK(r["badProvider"]["code"] == -32602);
    CHECK(r["badLimit"]["code"] == -32602);
    CHECK(r["stopReason"] == "end_turn");
    REQUIRE(h.provider().requests().size() == 1);
    CHECK(h.provider().requests()[0].json()["model"] == "gpt-4o-mini");

    // session/get: the Session document, with the conversation only when asked.
    CHECK(r["got"]["session"]["id"] == id);
    CHECK(r["got"]["session"]["conversation"].size() == 2);
    CHECK(r["gotShort"]["session"]["conversation"].is_null()); // as upstream's listings
    CHECK(r["gotShort"]["session"]["model_config"]["model_name"] == "gpt-4o-mini");
    CHECK(r["unknownSession"]["code"] == -32002);

    // Export and import: a second session with the same conversation.
    const Json exported = Json::parse(r["exported"]["data"].get<std::string>());
    CHECK(exported["id"] == id);
    const std::string copy = r["imported"]["sessionId"];
    CHECK(copy != id);
    CHECK(r["imported"]["messageCount"] == 2);
    CHECK(h.session(copy)["conversation"].size() == 2);
    CHECK(r["badImport"]["code"] == -32602);

    // Config: a value written, read back and removed; a secret is only ever answered as set or not.
    CHECK(r["configRead"]["value"]["depth"] == 2);
    CHECK(r["configGone"]["value"].is_null());
    CHECK(r["removeAgain"]["code"] == -32002);
    CHECK(r["secretRead"]["value"] == true);
    CHECK(r.dump().find("s3cret-value") == std::string::npos);
    CHECK(r["badKey"]["code"] == -32602);
    CHECK(r["noFlag"]["value"].is_null()); // isSecret is optional: newer SDKs use _goose/secret/* for secrets
    CHECK(r["secretExists"]["exists"] == true);
    CHECK(r["secretGone"]["exists"] == false);
    CHECK(r["secretRemoveAgain"]["code"] == -32002);
    CHECK(r.dump().find("hidden-too") == std::string::npos);

    // Extensions: config.yaml's list; one added to the session's agent serves its tools, then goes.
    CHECK(r["configuredExtensions"]["extensions"].is_array());
    CHECK(r["configuredExtensions"]["warnings"].is_array());
    auto names_of = [](const Json& list) {
        std::set<std::string> names;
        for (auto& e : list["extensions"]) names.insert(e.value("name", std::string()));
        return names;
    };
    CHECK(names_of(r["withRecall"]).count("chatrecall") == 1);
    CHECK(r["recallTools"]["tools"].size() > 0);
    for (auto& t : r["recallTools"]["tools"]) CHECK(t["name"].get<std::string>().rfind("chatrecall__", 0) == 0);
    CHECK(r["badExtension"]["code"] == -32602);
    CHECK(names_of(r["withoutRecall"]).count("chatrecall") == 0);
    CHECK(r["removeUnknown"]["code"] == -32002);

    // Tools and the working dir.
    bool has_todo = false;
    for (auto& t : r["tools"]["tools"]) has_todo = has_todo || t["name"] == "todo__todo_write";
    CHECK(has_todo);
    CHECK(r["moved"]["session"]["working_dir"] == other);
    CHECK(r["badDir"]["code"] == -32602);

    CHECK(r["badParams"]["code"] == -32602);
    CHECK(r["unknownMethod"]["code"] == -32601);
}

TEST_CASE("ACP stdio: authenticate checks the configured provider's credentials; auth/status reports them")
{
    AgentHarness h(json::array({scripted_text("unused")}));
    // Anthropic is configured, without its key; openai's key is in the environment.
    const Json auth = run_client(h, "auth", {{"GOOSE_PROVIDER", "anthropic"}, {"GOOSE_DISABLE_KEYRING", "1"}}).result;
    REQUIRE(auth["methods"].size() == 1);
    CHECK(auth["methods"][0]["id"] == "provider-credentials");
    CHECK(auth["capabilities"].contains("status"));
    CHECK(auth["wrongMethod"]["code"] == -32602);
    CHECK(auth["missing"]["code"] == -32000);
    CHECK(auth["missing"]["message"].get<std::string>().find("ANTHROPIC_API_KEY") != std::string::npos);
    CHECK(auth["statusMissing"]["state"] == "unauthenticated");
    auto active_of = [](const Json& status, const std::string& label) -> std::optional<bool> {
        for (const auto& a : status["accounts"])
            if (a["label"] == label) return a["active"].get<bool>();
        return std::nullopt;
    };
    CHECK(active_of(auth["statusMissing"], "OpenAI") == false);  // usable, not the configured one
    CHECK_FALSE(active_of(auth["statusMissing"], "Anthropic").has_value());
    CHECK(auth["authenticated"].is_object());
    CHECK(auth["after"]["state"] == "authenticated");
    CHECK(active_of(auth["after"], "Anthropic") == true);
}

TEST_CASE("ACP stdio: a storm of malformed params over every method is answered with client errors; the agent lives on")
{
    AgentHarness h(json::array({scripted_text("unused")}));
    const Json r = run_client(h, "storm").result;
    REQUIRE(r["results"].size() > 400);
    const std::set<int> client_errors{-32600, -32601, -32602, -32002};
    size_t refused = 0;
    // The 200-deep params are refused unread (nesting is bounded), so those answers carry id null.
    size_t deep = 0;
    auto is_deep = [](const Json& x) { return x.value("params", Json()) == "deep"; }; // no params: no key
    for (const auto& x : r["results"]) deep += is_deep(x) ? 1 : 0;
    CHECK(r["unreadable"].size() == deep);
    for (const auto& u : r["unreadable"]) CHECK(u["error"]["code"] == -32700);
    for (const auto& x : r["results"]) {
        CAPTURE(x.dump());
        if (is_deep(x)) continue;
        REQUIRE(x.contains("answer")); // a request never answered has none
        REQUIRE(x["answer"].is_object());
        if (x["answer"].contains("error")) {
            CHECK(client_errors.count(x["answer"]["error"]["code"].get<int>()) == 1);
            CHECK_FALSE(x["answer"]["error"]["message"].get<std::string>().empty());
            ++refused;
        }
    }
    CHECK(refused > 400);
    CHECK(r["afterInit"]["result"]["protocolVersion"] == 1);
    CHECK(r["afterNew"]["result"]["sessionId"].is_string());
    CHECK(r["exitCode"] == 0);
    // Nothing half-made: the one session is the one made after the storm, and the model was never called.
    const Json all = Json::parse(h.server().get("/sessions?include_empty=true").body);
    REQUIRE(all["sessions"].size() == 1);
    CHECK(all["sessions"][0]["id"] == r["afterNew"]["result"]["sessionId"]);
    CHECK(h.provider().requests().empty());
}

TEST_CASE("ACP stdio: session/load replays a session made through REST")
{
    AgentHarness h(json::array({scripted_tool_call("w1", "todo__todo_write", "{\"content\":\"- [ ] buy milk\"}"),
                                scripted_text("Noted: milk.")}));
    const std::string id = h.start_session();
    h.reply_all(id, "remember the milk");
    const Json r = run_client(h, "load", {{"ACP_SESSION_ID", id}}).result;
    CHECK(r["loaded"].is_object());
    CHECK(chunk_text(r, "user_message_chunk") == "remember the milk");
    CHECK(chunk_text(r, "agent_message_chunk") == "Noted: milk.");
    // The todo list written in that turn comes back as the plan, after the call's own updates.
    const auto plans = updates_of(r, "plan");
    REQUIRE(plans.size() == 1);
    CHECK(plans[0]["entries"] == Json::array({{{"content", "buy milk"}, {"priority", "medium"}, {"status", "pending"}}}));
    for (auto& n : r["updates"]) CHECK(n["sessionId"] == id);
    // An unknown session is ACP's "resource not found", naming it.
    CHECK(r["unknown"]["code"] == -32002);
    CHECK(r["unknown"]["data"]["sessionId"] == "20990101_999");
}

TEST_CASE("ACP stdio: malformed JSON-RPC, unknown methods and wrong params get their error codes")
{
    AgentHarness h(json::array());
    const Json r = run_client(h, "raw").result;
    std::map<std::string, Json> by_id;
    std::vector<int> anonymous;
    for (auto& a : r["answers"]) {
        if (a["id"].is_null()) anonymous.push_back(a["error"]["code"]);
        else by_id[a["id"].dump()] = a;
    }
    CHECK(anonymous == std::vector<int>{-32700, -32600});
    CHECK(by_id["1"]["error"]["code"] == -32601);
    CHECK(by_id["2"]["error"]["code"] == -32602);
    CHECK(by_id["2"]["error"]["message"].get<std::string>().find("protocolVersion") != std::string::npos);
    CHECK(by_id["3"]["error"]["code"] == -32602);
    CHECK(by_id["3"]["error"]["message"].get<std::string>().find("cwd") != std::string::npos);
    CHECK(by_id["4"]["error"]["code"] == -32602);
    CHECK(by_id["5"]["error"]["code"] == -32002);
    CHECK(by_id["5"]["error"]["data"]["sessionId"] == "20990101_1");
    CHECK(by_id["6"]["error"]["code"] == -32602);
    CHECK(by_id["7"]["result"]["protocolVersion"] == 1);
}

TEST_CASE("ACP stdio: an editor's buffers and terminal serve the developer tools when the client offers fs and terminal")
{
    AgentHarness h(json::array({scripted_tool_call("v1", "developer__text_editor", R"({"command":"view","path":"notes.txt"})"),
                                scripted_tool_call("e1", "developer__text_editor",
                                                   R"({"command":"str_replace","path":"notes.txt","old_str":"unsaved","new_str":"edited"})"),
                                scripted_tool_call("s1", "developer__shell", R"({"command":"echo from-terminal; exit 3"})"),
                                scripted_tool_call("l1", "developer__text_editor", R"({"command":"view","path":"."})"),
                                scripted_text("all done")}));
    const std::string root = h.server().root().string();
    const std::string notes = root + "/notes.txt";
    {
        std::ofstream disk(notes);
        disk << "disk text\n";
    }
    const Json r = run_client(h, "editor", {{"ACP_BUFFER_PATH", notes}, {"ACP_BUFFER_TEXT", "unsaved buffer text\n"}}).result;
    CHECK(r["stopReason"] == "end_turn");
    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 5);
    // The view read the editor's buffer, not the file on disk.
    CHECK(requests[1].body.find("unsaved buffer text") != std::string::npos);
    CHECK(requests[1].body.find("disk text") == std::string::npos);
    // The edit went to the buffer; the file on disk is untouched.
    CHECK(r["buffers"][notes] == "edited buffer text\n");
    CHECK(read_text_file(notes) == "disk text\n");
    // The command ran in the editor's terminal, in the session's directory, and was released.
    REQUIRE(r["terminals"].size() == 1);
    const Json& t = r["terminals"][0];
    CHECK(t["command"] == "bash");
    CHECK(t["args"] == Json::array({"-c", "echo from-terminal; exit 3"}));
    CHECK(t["cwd"] == root);
    CHECK(t["released"] == true);
    CHECK(requests[3].body.find("from-terminal") != std::string::npos);
    CHECK(requests[3].body.find("[exit code 3]") != std::string::npos);
    // While it ran, the tool call showed the terminal.
    bool shown = false;
    for (const auto& u : updates_of(r, "tool_call_update"))
        if (u["toolCallId"] == "s1" && u.contains("content") && u["content"].size() == 1 && u["content"][0]["type"] == "terminal")
            shown = u["content"][0]["terminalId"] == t["id"];
    CHECK(shown);
    // A directory is not the editor's to show: the builtin listed it.
    CHECK(requests[4].body.find("notes.txt") != std::string::npos);
    CHECK(r["reads"] == Json::array({notes, notes}));
}

TEST_CASE("ACP stdio: a prompt cancelled while its command runs in the editor's terminal kills and releases that terminal")
{
    AgentHarness h(json::array({scripted_tool_call("s1", "developer__shell", R"({"command":"sleep 30"})"), scripted_text("never")}));
    const std::string root = h.server().root().string();
    std::map<std::string, std::string> env{{"ACP_BUFFER_PATH", root + "/none.txt"}, {"ACP_BUFFER_TEXT", ""}, {"ACP_CANCEL_ON", "terminal"}};
    // session/close waits for the turn on the thread that reads the client's answers, so the
    // terminal's clean-up must not wait for answers.
    SUBCASE("by session/cancel") {}
    SUBCASE("by session/close") { env["ACP_CLOSE_INSTEAD"] = "1"; }
    const Json r = run_client(h, "editor", env).result;
    CHECK(r["stopReason"] == "cancelled");
    CHECK(r["closed"] == (env.count("ACP_CLOSE_INSTEAD") > 0));
    REQUIRE(r["terminals"].size() == 1);
    CHECK(r["terminals"][0]["exit"]["signal"] == "SIGKILL"); // killed through terminal/kill, not waited out
    CHECK(r["terminals"][0]["released"] == true);
    CHECK(h.provider().requests().size() == 1); // the model was not asked again
}
