// The SDK's example provider (sdk/examples/openai_compatible), built from sdk/ alone, loaded by the
// real server from a plugin folder of its own and driven through POST /reply against the scripted
// provider speaking the real Chat Completions stream: text, a tool call, its result going back.
#include <doctest/doctest.h>

#include "agent_harness.hpp"

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

TEST_CASE("sdk example provider: a turn with a tool call and its result, through the real server")
{
    const json call{{"format", "openai"},
                    {"chunks", json::array({{{"text", "Noting it."}},
                                            {{"tool_call", {{"index", 0}, {"id", "call_w"}, {"name", "todo__todo_write"},
                                                            {"arguments", "{\"content\":"}}}},
                                            {{"tool_call", {{"index", 0}, {"arguments", "\"- [ ] bread\"}"}}}}})},
                    {"usage", {{"input_tokens", 30}, {"output_tokens", 9}}}};
    const json done{{"format", "openai"}, {"chunks", json::array({{{"text", "Done."}}})},
                    {"usage", {{"input_tokens", 50}, {"output_tokens", 2}}}};
    gaggle::testing::ScriptedProvider upstream(json::array({call, done}));
    upstream.start();
    ServerProcess::Options o;
    o.env = {{"GAGGLE_PLUGIN_PATH", GAGGLE_TEST_PROVIDER_DIR},
             {"GOOSE_PROVIDER", "openai_compatible"},
             {"GOOSE_MODEL", "local-model"},
             {"OPENAI_COMPAT_BASE_URL", upstream.base_url()},
             {"OPENAI_COMPAT_API_KEY", "compat-key"}};
    ServerProcess server(o);

    auto r = server.request("POST", "/agent/start", Json{{"working_dir", server.root().string()}}.dump(),
                            {{"Content-Type", "application/json"}});
    REQUIRE(r.status == 200);
    const std::string id = Json::parse(r.body)["id"];
    SseClient c(server.port(), "POST", "/reply", Json{{"session_id", id}, {"user_message", AgentHarness::user_message("note bread")}}.dump(),
                {{"X-Secret-Key", server.secret()}, {"Content-Type", "application/json"}});
    REQUIRE(c.status() == 200);
    const auto events = data_events(c.rest());
    CHECK(streamed_text(events) == "Noting it.Done.");
    REQUIRE(!events.empty());
    CHECK(events.back()["type"] == "Finish");

    // The tool ran with the arguments assembled from the deltas.
    const Json session = Json::parse(server.get("/sessions/" + id).body);
    CHECK(session["extension_data"]["todo.v0"]["content"] == "- [ ] bread");

    // What the example sent: its key as a Bearer header (read with get_secret), the model, the tool,
    // and on the second call the tool's result as a role "tool" message.
    REQUIRE(upstream.requests().size() == 2);
    const auto first = upstream.requests().at(0);
    CHECK(first.path == "/v1/chat/completions");
    CHECK(first.header("Authorization") == "Bearer compat-key");
    CHECK(first.json()["model"] == "local-model");
    CHECK(first.json()["stream"] == true);
    const Json first_body = first.json(), second_body = upstream.requests().at(1).json();
    bool has_todo_tool = false;
    for (const auto& t : first_body["tools"]) has_todo_tool = has_todo_tool || t["function"]["name"] == "todo__todo_write";
    CHECK(has_todo_tool);
    bool tool_result_sent = false;
    for (const auto& m : second_body["messages"])
        tool_result_sent = tool_result_sent || (m["role"] == "tool" && m["tool_call_id"] == "call_w");
    CHECK(tool_result_sent);
}

TEST_CASE("sdk example provider: an upstream 401 ends the turn with the server's message, not a hang")
{
    const json refused{{"format", "openai"}, {"status", 401}, {"error", {{"message", "bad key"}, {"type", "invalid_request_error"}}}};
    gaggle::testing::ScriptedProvider upstream(json::array({refused}));
    upstream.start();
    ServerProcess::Options o;
    o.env = {{"GAGGLE_PLUGIN_PATH", GAGGLE_TEST_PROVIDER_DIR},
             {"GOOSE_PROVIDER", "openai_compatible"},
             {"GOOSE_MODEL", "local-model"},
             {"OPENAI_COMPAT_BASE_URL", upstream.base_url()}};
    ServerProcess server(o);
    auto r = server.request("POST", "/agent/start", Json{{"working_dir", server.root().string()}}.dump(),
                            {{"Content-Type", "application/json"}});
    const std::string id = Json::parse(r.body)["id"];
    SseClient c(server.port(), "POST", "/reply", Json{{"session_id", id}, {"user_message", AgentHarness::user_message("hi")}}.dump(),
                {{"X-Secret-Key", server.secret()}, {"Content-Type", "application/json"}});
    const auto events = data_events(c.rest());
    bool error_seen = false;
    for (const auto& e : events)
        if (e["type"] == "Error") error_seen = e.dump().find("bad key") != std::string::npos;
    CHECK(error_seen);
    CHECK(upstream.requests().size() == 1);
}
