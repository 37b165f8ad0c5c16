// The ACP pieces that need no process: JSON-RPC framing, goose Messages as session/update
// payloads, prompt blocks as a user message, the permission answer, the client's MCP servers.
#include "acp/client_requests.hpp"
#include "acp/editor_tools.hpp"
#include "acp/jsonrpc.hpp"
#include "acp/mcp_servers.hpp"
#include "acp/permission_request.hpp"
#include "acp/plan_updates.hpp"
#include "acp/prompt_content.hpp"
#include "acp/session_updates.hpp"
#include "agent/messages.hpp"
#include "common/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using namespace gaggle;
using namespace gaggle::acp;

namespace {

int bad_message_code(const std::string& line)
{
    try {
        parse_message(line);
    } catch (const BadMessage& e) {
        return e.code();
    }
    return 0;
}

int params_error_code(const Json& prompt)
{
    try {
        prompt_to_content(prompt);
    } catch (const RpcError& e) {
        return e.code();
    }
    return 0;
}

} // namespace

TEST_CASE("JSON-RPC framing tells requests, notifications and responses apart and refuses the rest")
{
    auto r = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"session/new","params":{"cwd":"/"}})");
    CHECK(r.kind == Incoming::Kind::request);
    CHECK(r.id == 7);
    CHECK(r.params["cwd"] == "/");
    CHECK(parse_message(R"({"jsonrpc":"2.0","method":"session/cancel"})").kind == Incoming::Kind::notification);
    auto answer = parse_message(R"({"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no"}})");
    CHECK(answer.kind == Incoming::Kind::response);
    CHECK(answer.error.has_value());

    CHECK(bad_message_code("{not json") == rpc_code::parse_error);
    CHECK(bad_message_code(std::string(200, '[') + std::string(200, ']')) == rpc_code::parse_error); // too deep
    CHECK(bad_message_code("[]") == rpc_code::invalid_request);
    CHECK(bad_message_code(R"({"id":1,"method":"x"})") == rpc_code::invalid_request); // no jsonrpc
    CHECK(bad_message_code(R"({"jsonrpc":"2.0","id":{},"method":"x"})") == rpc_code::invalid_request);
    CHECK(bad_message_code(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})") == rpc_code::invalid_request);
    try {
        parse_message(R"({"jsonrpc":"1.0","id":"a","method":"x"})");
        FAIL("accepted");
    } catch (const BadMessage& e) {
        CHECK(e.id() == "a"); // the error names the request it answers
    }
    CHECK(code_for(not_found("x")) == rpc_code::resource_not_found);
    CHECK(code_for(unprocessable("x")) == rpc_code::invalid_params);
    CHECK(code_for(conflict("x")) == rpc_code::internal_error);
}

TEST_CASE("goose Messages become session/update payloads")
{
    Json assistant = make_message("assistant", Json::array({Json{{"type", "thinking"}, {"thinking", "hmm"}, {"signature", ""}},
                                                            text_content("hi"),
                                                            tool_request_content("c1", "developer__shell", {{"command", "ls"}})}));
    auto u = message_updates(assistant);
    REQUIRE(u.size() == 3);
    CHECK(u[0] == Json{{"sessionUpdate", "agent_thought_chunk"}, {"content", {{"type", "text"}, {"text", "hmm"}}}});
    CHECK(u[1]["sessionUpdate"] == "agent_message_chunk");
    CHECK(u[2]["sessionUpdate"] == "tool_call");
    CHECK(u[2]["toolCallId"] == "c1");
    CHECK(u[2]["kind"] == "execute");
    CHECK(u[2]["status"] == "pending");
    CHECK(u[2]["rawInput"]["command"] == "ls");

    Json results = make_message("user", Json::array({tool_response_content("c1", "file.txt", false),
                                                      tool_response_content("c2", "declined", true)}));
    u = message_updates(results);
    REQUIRE(u.size() == 2);
    CHECK(u[0]["status"] == "completed");
    CHECK(u[0]["content"][0] == Json{{"type", "content"}, {"content", {{"type", "text"}, {"text", "file.txt"}}}});
    CHECK(u[1]["status"] == "failed");

    CHECK(message_updates(make_message("user", Json::array({text_content("question")})))[0]["sessionUpdate"] == "user_message_chunk");
    // An approval prompt is a permission request, not an update.
    CHECK(message_updates(make_message("assistant", Json::array({Json{{"type", "actionRequired"}, {"data", Json::object()}}}))).empty());
    CHECK(message_updates(Json("not a message")).empty());
}

TEST_CASE("prompt blocks become the user message; unsupported blocks are invalid params")
{
    Json content = prompt_to_content(Json::array({Json{{"type", "text"}, {"text", "look"}},
                                                  Json{{"type", "resource_link"}, {"uri", "file:///a.txt"}, {"name", "a.txt"}},
                                                  Json{{"type", "resource"}, {"resource", {{"uri", "file:///b.txt"}, {"text", "B"}}}}}));
    REQUIRE(content.size() == 3);
    CHECK(content[0]["text"] == "look");
    CHECK(content[1]["text"].get<std::string>().find("file:///a.txt") != std::string::npos);
    CHECK(content[2]["text"].get<std::string>().find("B") != std::string::npos);

    CHECK(params_error_code(Json::array()) == rpc_code::invalid_params);
    CHECK(params_error_code(Json("text")) == rpc_code::invalid_params);
    CHECK(params_error_code(Json::array({Json{{"type", "image"}, {"data", ""}, {"mimeType", "image/png"}}})) == rpc_code::invalid_params);
    CHECK(params_error_code(Json::array({Json{{"type", "resource"}, {"resource", {{"uri", "x"}, {"blob", "AA=="}}}}})) == rpc_code::invalid_params);
    CHECK(params_error_code(Json::array({Json{{"type", "text"}, {"text", 5}}})) == rpc_code::invalid_params);
}

TEST_CASE("a permission answer maps to the confirmation action; anything unclear cancels")
{
    auto selected = [](const char* option) { return Json{{"outcome", {{"outcome", "selected"}, {"optionId", option}}}}; };
    CHECK(action_for_answer(selected("allow_once")) == ConfirmAction::allow_once);
    CHECK(action_for_answer(selected("allow_always")) == ConfirmAction::always_allow);
    CHECK(action_for_answer(selected("reject_once")) == ConfirmAction::deny_once);
    CHECK(action_for_answer(selected("something_else")) == ConfirmAction::cancel);
    CHECK(action_for_answer(Json{{"outcome", {{"outcome", "cancelled"}}}}) == ConfirmAction::cancel);
    CHECK(action_for_answer(Json()) == ConfirmAction::cancel);

    Json ask = permission_request_params("s1", Json{{"id", "c9"}, {"toolName", "todo__todo_write"}, {"arguments", {{"content", "x"}}}});
    CHECK(ask["sessionId"] == "s1");
    CHECK(ask["toolCall"]["toolCallId"] == "c9");
    CHECK(ask["options"].size() == 3);
}

TEST_CASE("the client's stdio, http and sse MCP servers become extension configs; other kinds are refused")
{
    Json configs = extension_configs(Json::array({Json{{"name", "files"}, {"command", "node"}, {"args", {"server.js"}},
                                                       {"env", Json::array({Json{{"name", "TOKEN"}, {"value", "t"}}})}}}));
    REQUIRE(configs.size() == 1);
    CHECK(configs[0]["type"] == "stdio");
    CHECK(configs[0]["cmd"] == "node");
    CHECK(configs[0]["envs"]["TOKEN"] == "t");
    const Json remote = extension_configs(Json::array(
        {Json{{"type", "http"}, {"name", "h"}, {"url", "http://x/mcp"}, {"headers", Json::array({Json{{"name", "X-Key"}, {"value", "k"}}})}},
         Json{{"type", "sse"}, {"name", "s"}, {"url", "https://y/sse"}, {"headers", Json::array()}}}));
    REQUIRE(remote.size() == 2);
    CHECK(remote[0]["type"] == "streamable_http");
    CHECK(remote[0]["uri"] == "http://x/mcp");
    CHECK(remote[0]["headers"]["X-Key"] == "k");
    CHECK(remote[1]["type"] == "sse");
    CHECK(remote[1]["uri"] == "https://y/sse");
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"type", "http"}, {"name", "h"}, {"url", "ftp://x"}}})), RpcError);
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"type", "http"}, {"name", "h"}}})), RpcError); // no url
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"type", "http"}, {"name", "h"}, {"url", "http://x"}, {"headers", 5}}})), RpcError);
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"type", "websocket"}, {"name", "w"}, {"url", "ws://x"}}})), RpcError);
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"name", "n"}}})), RpcError);
    CHECK_THROWS_AS(extension_configs(Json::array({Json{{"name", "n"}, {"command", "x"}, {"env", Json::array({Json{{"name", "LD_PRELOAD"}, {"value", "/evil.so"}}})}}})),
                    RpcError);
}

TEST_CASE("the todo list becomes an ACP plan once its write succeeded, live or replayed")
{
    const Json plan = plan_update("# Plan\n- [x] read the code\n  * [~] write the fix\n3. [ ] test it\n+ no box\nprose line\n- [ ]\n12) [/] ship");
    CHECK(plan["sessionUpdate"] == "plan");
    REQUIRE(plan["entries"].size() == 5);
    CHECK(plan["entries"][0] == Json{{"content", "read the code"}, {"priority", "medium"}, {"status", "completed"}});
    CHECK(plan["entries"][1]["status"] == "in_progress");
    CHECK(plan["entries"][1]["content"] == "write the fix");
    CHECK(plan["entries"][2] == Json{{"content", "test it"}, {"priority", "medium"}, {"status", "pending"}});
    CHECK(plan["entries"][3]["content"] == "no box");
    CHECK(plan["entries"][4]["content"] == "ship");
    CHECK(plan_update("").value("entries", Json()) == Json::array());
    std::string long_list;
    for (int i = 0; i < 500; ++i) long_list += "- item\n";
    CHECK(plan_update(long_list)["entries"].size() == 200);

    PlanTracker tracker;
    const Json write = make_message("assistant", Json::array({tool_request_content("w1", "todo__todo_write", {{"content", "- [ ] one"}}),
                                                              tool_request_content("r1", "todo__todo_read", Json::object())}));
    CHECK(!tracker.after(write)); // asked for, not done yet
    const Json declined = make_message("user", Json::array({tool_response_content("w1", "declined", true)}));
    CHECK(!tracker.after(declined));
    CHECK(!tracker.after(make_message("user", Json::array({tool_response_content("w1", "late", false)})))); // forgotten
    tracker.after(make_message("assistant", Json::array({tool_request_content("w2", "todo__todo_write", {{"content", "- [x] one"}}),
                                                         tool_request_content("w3", "todo__todo_write", {{"content", 5}})})));
    const auto done = tracker.after(make_message("user", Json::array({tool_response_content("r1", "list", false),
                                                                      tool_response_content("w3", "bad", true),
                                                                      tool_response_content("w2", "ok", false)})));
    REQUIRE(done);
    CHECK((*done)["entries"][0]["status"] == "completed");
    CHECK(!tracker.after(Json("not a message")));
}

namespace {
// Keeps what the agent sent the client.
struct SentMessages final : Outbox {
    std::mutex mutex;
    std::vector<Json> sent;
    void send(const Json& m) override
    {
        std::lock_guard lock(mutex);
        sent.push_back(m);
    }
    Json last()
    {
        std::lock_guard lock(mutex);
        return sent.empty() ? Json() : sent.back();
    }
};

Incoming response_to(const Json& request, Json result, std::optional<Json> error = std::nullopt)
{
    Incoming r;
    r.kind = Incoming::Kind::response;
    r.id = request["id"];
    r.result = std::move(result);
    r.error = std::move(error);
    return r;
}

// Answers the next request the client is sent, from another thread, once it is sent.
std::thread answer_next(SentMessages& out, ClientRequests& requests, std::size_t already, std::function<Incoming(const Json&)> answer)
{
    return std::thread([&out, &requests, already, answer] {
        for (;;) {
            {
                std::lock_guard lock(out.mutex);
                if (out.sent.size() > already) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(requests.deliver(answer(out.last())));
    });
}

ClientCallFailed::Why failure_of(const std::function<void()>& call)
{
    try {
        call();
    } catch (const ClientCallFailed& e) {
        return e.why();
    }
    FAIL("the call did not fail");
    return ClientCallFailed::Why::refused;
}
} // namespace

TEST_CASE("requests to the ACP client: answered, refused, cancelled, timed out or cut off by the client leaving")
{
    SentMessages out;
    ClientRequests requests(out);
    CancelToken cancel;
    const auto long_wait = std::chrono::milliseconds(10'000);

    auto t = answer_next(out, requests, 0, [](const Json& r) { return response_to(r, Json{{"content", "buffer"}}); });
    CHECK(requests.call("fs/read_text_file", Json{{"path", "/a"}}, &cancel, long_wait) == Json{{"content", "buffer"}});
    t.join();
    CHECK(out.sent[0]["method"] == "fs/read_text_file");
    CHECK(out.sent[0]["id"].is_string()); // apart from the permission requests' numbers

    t = answer_next(out, requests, 1, [](const Json& r) { return response_to(r, nullptr, Json{{"code", -32002}, {"message", "no such file"}}); });
    try {
        requests.call("fs/read_text_file", Json::object(), &cancel, long_wait);
        FAIL("a refusal must throw");
    } catch (const ClientCallFailed& e) {
        CHECK(e.why() == ClientCallFailed::Why::refused);
        CHECK(std::string(e.what()) == "no such file");
    }
    t.join();

    CHECK(failure_of([&] { requests.call("terminal/wait_for_exit", Json::object(), nullptr, std::chrono::milliseconds(30)); }) ==
          ClientCallFailed::Why::timed_out);
    // A late answer is still recognised as ours, and reaches nobody.
    CHECK(requests.deliver(response_to(out.last(), Json::object())));
    Incoming foreign = response_to(Json{{"id", 7}}, Json::object());
    CHECK_FALSE(requests.deliver(foreign)); // a permission answer is the connection's

    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cancel.cancel();
    });
    CHECK(failure_of([&] { requests.call("terminal/wait_for_exit", Json::object(), &cancel, long_wait); }) == ClientCallFailed::Why::cancelled);
    canceller.join();

    std::thread leaver([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        requests.close();
    });
    CHECK(failure_of([&] { requests.call("terminal/output", Json::object(), nullptr, long_wait); }) == ClientCallFailed::Why::gone);
    leaver.join();
    CHECK(failure_of([&] { requests.call("terminal/output", Json::object(), nullptr, long_wait); }) == ClientCallFailed::Why::gone);
}

TEST_CASE("the client capabilities initialize offers: fs and terminal, anything malformed offers nothing")
{
    const auto all = client_capabilities(Json{{"clientCapabilities", {{"fs", {{"readTextFile", true}, {"writeTextFile", true}}}, {"terminal", true}}}});
    CHECK(all.read_text_file);
    CHECK(all.write_text_file);
    CHECK(all.terminal);
    const auto some = client_capabilities(Json{{"clientCapabilities", {{"fs", {{"readTextFile", "yes"}, {"writeTextFile", true}}}}}});
    CHECK_FALSE(some.read_text_file);
    CHECK(some.write_text_file);
    CHECK_FALSE(some.terminal);
    CHECK_FALSE(client_capabilities(Json{{"clientCapabilities", 5}}).write_text_file);
    CHECK_FALSE(client_capabilities(Json("x")).terminal);
}
