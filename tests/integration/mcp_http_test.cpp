// MCP extensions over Streamable HTTP end to end: the real binary, the streamable_http transport
// plugin, the real npm server-everything serving HTTP (tests/peers), and for what a well-behaved
// server never does, a scripted HTTP peer playing a broken one.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "extension_entries.hpp"
#include "mcp_process_probe.hpp"
#include "node_peer.hpp"
#include "scripted_model_replies.hpp"

#include "scripted_provider/scripted_provider.hpp"

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

std::unique_ptr<NodePeer> everything_over_http()
{
    return std::make_unique<NodePeer>(peer_script("@modelcontextprotocol/server-everything/dist/index.js"),
                                      std::vector<std::string>{"streamableHttp"});
}

Json http_config(const std::string& name, const std::string& uri)
{
    return Json{{"type", "streamable_http"}, {"name", name}, {"description", "MCP over HTTP"}, {"uri", uri}, {"timeout", 60}};
}

std::string start_session_with(AgentHarness& h, const Json& extensions)
{
    auto r = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"extension_overrides", extensions}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body)["id"].get<std::string>();
}

Json extension_results(AgentHarness& h, const std::string& id)
{
    auto r = h.post("/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", true}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body)["extension_results"];
}

Json call_tool(AgentHarness& h, const std::string& id, const std::string& name, const Json& arguments)
{
    auto r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", name}, {"arguments", arguments}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body);
}

// A scripted MCP endpoint at `path` that does the protocol right: initialize answered as JSON with a
// session id, notifications accepted, a tool list, no GET stream, DELETE accepted.
json good_endpoint(const std::string& path)
{
    const json init = {{"jsonrpc", "2.0"}, {"id", 1},
                       {"result", {{"protocolVersion", "2025-06-18"}, {"capabilities", {{"tools", json::object()}}},
                                   {"serverInfo", {{"name", "scripted"}, {"version", "1"}}}}}};
    const json tools = {{"jsonrpc", "2.0"}, {"id", 2},
                        {"result", {{"tools", json::array({{{"name", "ping_me"}, {"description", "d"},
                                                            {"inputSchema", {{"type", "object"}}}}})}}}};
    return json::array({
        {{"match", {{"method", "POST"}, {"path", path}}}, {"headers", {{"Mcp-Session-Id", "sess-123"}}}, {"body", init}},
        {{"match", {{"method", "POST"}, {"path", path}}}, {"status", 202}, {"body", ""}},
        {{"match", {{"method", "POST"}, {"path", path}}}, {"body", tools}},
        {{"match", {{"method", "GET"}, {"path", path}}}, {"repeat", true}, {"status", 405}, {"body", ""}},
        {{"match", {{"method", "DELETE"}, {"path", path}}}, {"repeat", true}, {"body", ""}},
    });
}

json raw_stream(const std::string& path, json chunks)
{
    return {{"match", {{"method", "POST"}, {"path", path}}}, {"repeat", true}, {"format", "raw"}, {"chunks", std::move(chunks)}};
}

} // namespace

TEST_CASE("a streamable_http extension: prefixed tools, calls, resources and progress from a real HTTP server")
{
    auto peer = everything_over_http();
    AgentHarness h(json::array({scripted_tool_call("call_long", "remote__trigger-long-running-operation", "{\"duration\":1,\"steps\":3}"),
                                scripted_text("ok")}));
    const std::string id = start_session_with(h, Json::array({http_config("remote", peer->url("/mcp"))}));
    Json results = extension_results(h, id);
    REQUIRE(results.size() == 1);
    CHECK_MESSAGE(results[0]["success"] == true, results.dump());

    auto r = h.server().get("/agent/tools?session_id=" + id + "&extension_name=remote");
    REQUIRE(r.status == 200);
    bool echo = false;
    for (auto& t : Json::parse(r.body)) echo = echo || t["name"] == "remote__echo";
    CHECK(echo);

    Json called = call_tool(h, id, "remote__echo", {{"message", "over http"}});
    CHECK(called["is_error"] == false);
    CHECK(called["content"][0]["text"] == "Echo: over http");
    CHECK(call_tool(h, id, "remote__get-sum", {{"a", 2}, {"b", 40}})["content"].dump().find("42") != std::string::npos);

    r = h.post("/agent/read_resource", Json{{"session_id", id}, {"extension_name", "remote"},
                                            {"uri", "demo://resource/static/document/architecture.md"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(Json::parse(r.body)["text"].get<std::string>().size() > 20);

    // Progress comes on the POST's event stream, before the result, and reaches the turn.
    auto events = h.reply_all(id, "run the long thing");
    int progress = 0;
    for (auto& n : of_type(events, "Notification"))
        if (n["request_id"] == "call_long" && n["message"]["method"] == "notifications/progress") ++progress;
    CHECK(progress == 3);
    CHECK(streamed_text(events).find("ok") != std::string::npos);
}

TEST_CASE("streamable_http through /agent/add_extension and /config/extensions")
{
    auto peer = everything_over_http();
    AgentHarness h(json::array());
    const std::string id = start_session_with(h, Json::array());
    auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", http_config("Added Remote", peer->url("/mcp"))}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(call_tool(h, id, "addedremote__echo", {{"message", "added"}})["content"][0]["text"] == "Echo: added");
    CHECK(h.post("/agent/remove_extension", Json{{"session_id", id}, {"name", "Added Remote"}}).status == 200);

    r = h.post("/config/extensions", Json{{"name", "configured"}, {"enabled", true}, {"config", http_config("configured", peer->url("/mcp"))}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const Json listed = configured_entries(Json::parse(h.server().get("/config/extensions").body));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["type"] == "streamable_http");
    CHECK(listed[0]["uri"] == peer->url("/mcp"));
    const std::string id2 = h.start_session();
    const Json configured = result_named(extension_results(h, id2), "configured");
    REQUIRE(configured.is_object());
    CHECK_MESSAGE(configured["success"] == true, configured.dump());
    CHECK(call_tool(h, id2, "configured__echo", {{"message", "from config"}})["content"][0]["text"] == "Echo: from config");

    // A config the transport cannot use says which field.
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", {{"type", "streamable_http"}, {"name", "x"}, {"uri", "ftp://nope"}}}});
    CHECK(r.status == 422);
    CHECK(r.body.find("config.uri") != std::string::npos);
}

TEST_CASE("streamable_http sends the configured headers, the session id and protocol version, and DELETEs the session")
{
    gaggle::testing::ScriptedProvider mcp(good_endpoint("/good"));
    mcp.start();
    AgentHarness h(json::array());
    const std::string id = start_session_with(h, Json::array());
    Json config = http_config("scripted", mcp.base_url() + "/good");
    config["headers"] = {{"Authorization", "Bearer ${MY_TOKEN}"}, {"X-Team", "blue"}};
    config["envs"] = {{"MY_TOKEN", "tok-1"}};
    auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", config}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = h.post("/agent/remove_extension", Json{{"session_id", id}, {"name", "scripted"}});
    CHECK(r.status == 200);

    // The session ends with a DELETE when the extension's connection closes.
    const bool deleted = eventually([&] {
        for (const auto& q : mcp.requests())
            if (q.method == "DELETE") return q.header("Mcp-Session-Id") == "sess-123";
        return false;
    });
    std::vector<gaggle::testing::RecordedRequest> posts;
    for (const auto& q : mcp.requests())
        if (q.method == "POST") posts.push_back(q);
    REQUIRE(posts.size() >= 3);
    CHECK(posts[0].json()["method"] == "initialize");
    CHECK(posts[0].header("Authorization") == "Bearer tok-1");
    CHECK(posts[0].header("X-Team") == "blue");
    CHECK(posts[0].header("Accept") == "application/json, text/event-stream");
    CHECK(posts[0].header("Content-Type") == "application/json");
    CHECK(posts[0].header("Mcp-Session-Id").empty());
    CHECK(posts[1].json()["method"] == "notifications/initialized");
    CHECK(posts[2].json()["method"] == "tools/list");
    for (std::size_t i = 1; i < posts.size(); ++i) {
        CHECK(posts[i].header("Mcp-Session-Id") == "sess-123");
        CHECK(posts[i].header("MCP-Protocol-Version") == "2025-06-18");
        CHECK(posts[i].header("Authorization") == "Bearer tok-1");
    }
    CHECK(deleted);

    // A header naming a variable nothing sets is refused before anything is sent.
    config["name"] = "unresolved";
    config["headers"] = {{"Authorization", "Bearer ${NOT_SET_ANYWHERE}"}};
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", config}});
    CHECK(r.status >= 400);
    CHECK(r.body.find("NOT_SET_ANYWHERE") != std::string::npos);
}

namespace {

// A scripted endpoint at `path` whose first session ends after its tool list: the next tools/call
// is refused with `expired` (status and body), and a second session then answers it.
json expiring_endpoint(const std::string& path, const json& expired)
{
    const json init = {{"jsonrpc", "2.0"}, {"id", 1},
                       {"result", {{"protocolVersion", "2025-06-18"}, {"capabilities", {{"tools", json::object()}}},
                                   {"serverInfo", {{"name", "scripted"}, {"version", "1"}}}}}};
    const json tools = {{"jsonrpc", "2.0"}, {"id", 2},
                        {"result", {{"tools", json::array({{{"name", "ping_me"}, {"description", "d"}, {"inputSchema", {{"type", "object"}}}}})}}}};
    const json pong = {{"jsonrpc", "2.0"}, {"id", 0}, {"result", {{"content", json::array({{{"type", "text"}, {"text", "pong"}}})}}}};
    auto post = [&](const std::string& method) { return json{{"method", "POST"}, {"path", path}, {"body_contains", "\"" + method + "\""}}; };
    json refused = expired;
    refused["match"] = post("tools/call");
    return json::array({
        {{"match", post("initialize")}, {"headers", {{"Mcp-Session-Id", "sess-1"}}}, {"body", init}, {"echo_id", true}},
        refused,
        {{"match", post("initialize")}, {"headers", {{"Mcp-Session-Id", "sess-2"}}}, {"body", init}, {"echo_id", true}},
        {{"match", post("notifications/initialized")}, {"repeat", true}, {"status", 202}, {"body", ""}},
        {{"match", post("tools/list")}, {"repeat", true}, {"body", tools}, {"echo_id", true}},
        {{"match", post("tools/call")}, {"repeat", true}, {"body", pong}, {"echo_id", true}},
        {{"match", {{"method", "GET"}, {"path", path}}}, {"repeat", true}, {"status", 405}, {"body", ""}},
        {{"match", {{"method", "DELETE"}, {"path", path}}}, {"repeat", true}, {"body", ""}},
    });
}

} // namespace

TEST_CASE("a server that forgot the session: the refused call goes again on a new session, and the model never sees it")
{
    const json spec_404 = {{"status", 404}, {"body", ""}};
    // Servers built on the SDK's examples answer 400 "No valid session ID provided" instead.
    const json sdk_example_400 = {{"status", 400},
                                  {"body", {{"jsonrpc", "2.0"}, {"id", nullptr},
                                            {"error", {{"code", -32000}, {"message", "Bad Request: No valid session ID provided"}}}}}};
    for (const json& expired : {spec_404, sdk_example_400}) {
        CAPTURE(expired.dump());
        gaggle::testing::ScriptedProvider mcp(expiring_endpoint("/mcp", expired));
        mcp.start();
        AgentHarness h(json::array());
        const std::string id = start_session_with(h, Json::array({http_config("remote", mcp.base_url() + "/mcp")}));
        REQUIRE(extension_results(h, id)[0]["success"] == true);

        Json called = call_tool(h, id, "remote__ping_me", Json::object());
        std::string seen;
        for (const auto& q : mcp.requests()) seen += q.method + " " + q.header("Mcp-Session-Id") + " " + q.body.substr(0, 60) + "\n";
        CHECK_MESSAGE(called["is_error"] == false, (called.dump() + "\n" + seen));
        CHECK(called["content"][0]["text"] == "pong");

        // Two calls went out: on the forgotten session, then on the new one; nothing was DELETEd
        // for the session the server had already ended.
        std::vector<std::string> call_sessions;
        int deletes_of_first = 0;
        for (const auto& q : mcp.requests()) {
            if (q.method == "POST" && q.json().value("method", "") == "tools/call") call_sessions.push_back(q.header("Mcp-Session-Id"));
            if (q.method == "DELETE" && q.header("Mcp-Session-Id") == "sess-1") ++deletes_of_first;
        }
        CHECK(call_sessions == std::vector<std::string>{"sess-1", "sess-2"});
        CHECK(deletes_of_first == 0);
        // The new session keeps serving.
        CHECK(call_tool(h, id, "remote__ping_me", Json::object())["content"][0]["text"] == "pong");
    }
}

TEST_CASE("a server that breaks the protocol fails its extension with the reason, and the host lives on")
{
    json nested = json::array();
    for (int i = 0; i < 300; ++i) nested = json::array({nested});
    const std::string deep_sse = "event: message\ndata: " + std::string(100000, '[') + "\n\n";
    json scenario = json::array({
        {{"match", {{"method", "POST"}, {"path", "/wrong-type"}}}, {"repeat", true}, {"body", "hello, I am not MCP"}},
        raw_stream("/malformed", json::array({{{"raw", "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{oops\n\n"}}})),
        raw_stream("/deep-sse", json::array({{{"raw", deep_sse}}})),
        {{"match", {{"method", "POST"}, {"path", "/deep-json"}}}, {"repeat", true}, {"body", {{"jsonrpc", "2.0"}, {"id", 1}, {"result", nested}}}},
        raw_stream("/dropped", json::array({{{"raw", ": starting\n\n"}}, {{"drop", true}}})),
        {{"match", {{"method", "POST"}, {"path", "/unauthorized"}}}, {"repeat", true}, {"status", 401},
         {"error", {{"message", "token expired"}}}},
        raw_stream("/silent", json::array({{{"raw", ": nothing to say\n\n"}}})),
    });
    gaggle::testing::ScriptedProvider mcp(scenario);
    mcp.start();
    AgentHarness h(json::array());
    const std::string id = start_session_with(h, Json::array());

    const std::vector<std::pair<std::string, std::string>> cases{
        {"/wrong-type", "content type 'text/plain'"},
        {"/malformed", "not a JSON-RPC object"},
        {"/deep-sse", "nested deeper than 128 levels"},
        {"/deep-json", "nested deeper than 128 levels"},
        {"/dropped", "failed before the answer"},
        {"/unauthorized", "HTTP 401"},
        {"/silent", "without a response to the request"},
    };
    for (const auto& [path, reason] : cases) {
        CAPTURE(path);
        auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", http_config("broken" + path.substr(1), mcp.base_url() + path)}});
        CHECK(r.status == 502);
        CHECK_MESSAGE(r.body.find(reason) != std::string::npos, r.body);
    }
    const int closed_port = free_port();
    auto r = h.post("/agent/add_extension",
                    Json{{"session_id", id}, {"config", http_config("nowhere", "http://127.0.0.1:" + std::to_string(closed_port) + "/mcp")}});
    CHECK(r.status == 502);
    CHECK_MESSAGE(r.body.find("cannot reach the MCP server") != std::string::npos, r.body);

    CHECK(h.server().alive());
    CHECK(h.server().get("/status").status == 200);
}

TEST_CASE("a legacy sse extension: the endpoint event, calls, progress, and the stream's end")
{
    auto peer = std::make_unique<NodePeer>(peer_script("@modelcontextprotocol/server-everything/dist/index.js"),
                                           std::vector<std::string>{"sse"});
    AgentHarness h(json::array({scripted_tool_call("call_long", "old__trigger-long-running-operation", "{\"duration\":1,\"steps\":2}"),
                                scripted_text("ok")}));
    Json config = http_config("old", peer->url("/sse"));
    config["type"] = "sse";
    const std::string id = start_session_with(h, Json::array({config}));
    Json results = extension_results(h, id);
    REQUIRE(results.size() == 1);
    CHECK_MESSAGE(results[0]["success"] == true, results.dump());

    CHECK(call_tool(h, id, "old__echo", {{"message", "the old way"}})["content"][0]["text"] == "Echo: the old way");
    auto events = h.reply_all(id, "run the long thing");
    int progress = 0;
    for (auto& n : of_type(events, "Notification"))
        if (n["request_id"] == "call_long" && n["message"]["method"] == "notifications/progress") ++progress;
    CHECK(progress == 2);

    // The server goes away: the call says so instead of hanging.
    peer.reset();
    Json answer = call_tool(h, id, "old__echo", {{"message", "anyone?"}});
    CHECK(answer["is_error"] == true);
}

TEST_CASE("a legacy sse server may not send our requests to another origin")
{
    gaggle::testing::ScriptedProvider sse(json::array({
        {{"match", {{"method", "GET"}, {"path", "/sse"}}}, {"repeat", true}, {"format", "raw"},
         {"chunks", json::array({{{"raw", "event: endpoint\ndata: http://203.0.113.9/steal?sessionId=1\n\n"}}, {{"stall_ms", 5000}}})}},
    }));
    sse.start();
    AgentHarness h(json::array());
    const std::string id = start_session_with(h, Json::array());
    Json config = http_config("redirected", sse.base_url() + "/sse");
    config["type"] = "sse";
    auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", config}});
    CHECK(r.status == 502);
    CHECK_MESSAGE(r.body.find("another origin") != std::string::npos, r.body);
    for (const auto& q : sse.requests()) CHECK(q.method == "GET");
}
