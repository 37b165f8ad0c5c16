// /acp on `gaggle agent` (ACP over streamable HTTP + SSE) driven by the ACP SDK's own HTTP client
// (tests/peers/acp_client.mjs), with the scripted model.
#include <doctest/doctest.h>

#include "acp_client_run.hpp"
#include "scripted_model_replies.hpp"

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

TEST_CASE("ACP over HTTP: /acp on gaggle agent serves the SDK's HTTP client, behind auth and an Origin check")
{
    AgentHarness h(json::array({scripted_tool_call("call_w", "todo__todo_write", "{\"content\":\"http\"}"), scripted_text("done over http")}),
                   {{"GOOSE_MODE", "approve"}});
    const std::string url = "http://127.0.0.1:" + std::to_string(h.server().port()) + "/acp";
    const Json r = run_client(h, "http", {{"ACP_URL", url}, {"ACP_SECRET", h.server().secret()}}).result;
    CHECK(r["init"]["protocolVersion"] == 1);
    REQUIRE(r["permissions"].size() == 1);
    CHECK(r["permissions"][0]["toolCall"]["toolCallId"] == "call_w");
    const auto progress = updates_of(r, "tool_call_update");
    REQUIRE(progress.size() == 2);
    CHECK(progress[1]["status"] == "completed");
    CHECK(chunk_text(r, "agent_message_chunk") == "done over http");
    CHECK(r["stopReason"] == "end_turn");
    CHECK(listed(h, r["sessionId"]));
    CHECK(h.session(r["sessionId"])["extension_data"]["todo.v0"]["content"] == "http");

    const std::string init = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1}})";
    const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};
    // The same auth as every route, and no web page: an Origin not listed by name is refused.
    CHECK(h.server().request("POST", "/acp", init, json_type, false).status == 401);
    auto from_page = json_type;
    from_page["Origin"] = "http://evil.example";
    auto refused = h.server().request("POST", "/acp", init, from_page);
    CHECK(refused.status == 403);
    CHECK(refused.body.find("Origin") != std::string::npos);
    // A connection starts with initialize, answered with its id; DELETE ends it.
    CHECK(h.server().request("POST", "/acp", R"({"jsonrpc":"2.0","id":1,"method":"session/new","params":{}})", json_type).status == 400);
    auto opened = h.server().request("POST", "/acp", init, json_type);
    REQUIRE(opened.status == 200);
    const std::string id = opened.header("acp-connection-id");
    REQUIRE(!id.empty());
    CHECK(Json::parse(opened.body)["result"]["protocolVersion"] == 1);
    auto with_id = json_type;
    with_id["Acp-Connection-Id"] = id;
    CHECK(h.server().request("POST", "/acp", R"({"jsonrpc":"2.0","method":"session/cancel","params":{"sessionId":"x"}})", with_id).status == 202);
    CHECK(h.server().request("DELETE", "/acp", "", with_id).status == 200);
    CHECK(h.server().request("POST", "/acp", init, with_id).status == 404);
    // Clients that left without DELETE (no stream open) never lock others out.
    for (int i = 0; i < 70; ++i) REQUIRE(h.server().request("POST", "/acp", init, json_type).status == 200);
}
