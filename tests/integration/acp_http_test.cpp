// /acp on `gaggle agent` (ACP over streamable HTTP + SSE) driven by the ACP SDK's own HTTP client
// (tests/peers/acp_client.mjs), with the scripted model.
#include <doctest/doctest.h>

#include "acp_client_run.hpp"
#include "raw_http.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>
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

TEST_CASE("ACP over WebSocket: GET /acp upgraded serves the SDK's ws-client, refuses what it must and survives bad frames")
{
    AgentHarness h(json::array({scripted_tool_call("call_ws", "todo__todo_write", "{\"content\":\"- [x] connect\\n- [ ] prompt\"}"), scripted_text("done over ws")}),
                   {{"GOOSE_MODE", "approve"}});
    const std::string url = "http://127.0.0.1:" + std::to_string(h.server().port()) + "/acp";
    const Json r = run_client(h, "ws", {{"ACP_URL", url}, {"ACP_SECRET", h.server().secret()}, {"NODE_OPTIONS", "--experimental-websocket"}})
                       .result;
    CHECK(r["init"]["protocolVersion"] == 1);
    REQUIRE(r["permissions"].size() == 1);
    CHECK(r["permissions"][0]["toolCall"]["toolCallId"] == "call_ws");
    CHECK(chunk_text(r, "agent_message_chunk") == "done over ws");
    CHECK(r["stopReason"] == "end_turn");
    CHECK(listed(h, r["sessionId"]));
    CHECK(h.session(r["sessionId"])["extension_data"]["todo.v0"]["content"] == "- [x] connect\n- [ ] prompt");
    // The todo list written went to the client as the agent's plan.
    const auto plans = updates_of(r, "plan");
    REQUIRE(plans.size() == 1);
    CHECK(plans[0]["entries"] == Json::array({{{"content", "connect"}, {"priority", "medium"}, {"status", "completed"}},
                                              {{"content", "prompt"}, {"priority", "medium"}, {"status", "pending"}}}));

    // Each bad frame got its JSON-RPC error, the good one its answer; a binary frame ended it.
    const Json& raw = r["raw"];
    REQUIRE(raw["answers"].size() == 16);
    const Json& a = raw["answers"];
    CHECK(a[0]["error"]["code"] == -32700);
    CHECK(a[1]["error"]["code"] == -32600);
    CHECK(a[2]["error"]["code"] == -32700); // too deep to read: refused unread
    CHECK(a[3]["result"]["protocolVersion"] == 1);
    CHECK(raw["close"]["code"] == 1003);
    // goose's dictation methods, answered by the dictation plugin's routes in goose's shapes.
    const Json rest_config = Json::parse(h.server().get("/dictation/config").body);
    REQUIRE(a[4]["result"]["providers"].size() == rest_config.size());
    CHECK(a[4]["result"]["providers"]["local"]["configured"] == rest_config["local"]["configured"]);
    CHECK(a[4]["result"]["providers"]["local"]["configKey"] == rest_config["local"]["config_key"]);
    CHECK(a[4]["result"]["providers"]["openai"]["usesProviderConfig"] == rest_config["openai"]["uses_provider_config"]);
    const Json rest_models = Json::parse(h.server().get("/dictation/models").body);
    REQUIRE(a[5]["result"]["models"].size() == rest_models.size());
    REQUIRE(!rest_models.empty());
    CHECK(a[5]["result"]["models"][0]["id"] == rest_models[0]["id"]);
    CHECK(a[5]["result"]["models"][0]["sizeMb"] == rest_models[0]["size_mb"]);
    CHECK(a[5]["result"]["models"][0]["downloadInProgress"] == false);
    CHECK(a[6]["error"]["code"] == -32602); // a model id that is a path
    CHECK(a[7]["result"]["progress"].is_null());
    CHECK(a[8]["error"]["code"] == -32602); // the plugin's own refusal, with its message
    CHECK(!a[8]["error"]["message"].get<std::string>().empty());
    CHECK(a[9]["error"]["code"] == -32602);
    // A dictation key saved over ACP is the same secret REST reads; the local model is chosen.
    CHECK_MESSAGE(a[10]["result"] == Json::object(), (a[10].dump()));
    CHECK(a[11]["result"]["providers"]["elevenlabs"]["configured"] == true);
    CHECK(Json::parse(h.server().get("/dictation/config").body)["elevenlabs"]["configured"] == true);
    CHECK(a[12]["error"]["code"] == -32602); // groq's key is the groq provider's own
    CHECK(a[12]["error"]["message"].get<std::string>().find("provider's own key") != std::string::npos);
    CHECK(a[13]["result"] == Json::object());
    CHECK(Json::parse(h.server().post_json("/config/read", R"({"key":"LOCAL_WHISPER_MODEL","is_secret":false})").body) == "en-us");
    CHECK(a[14]["error"]["code"] == -32002); // no such model
    CHECK(a[15]["error"]["code"] == -32602); // no such provider
    CHECK(a[15]["error"]["message"].get<std::string>().find("elevenlabs") != std::string::npos); // names the ones there are

    // The handshake is behind the same auth and Origin check as every /acp request, and a bad one
    // is an ordinary answer with a message (sent raw: an HTTP client library would rewrite the
    // Connection header).
    const std::string upgrade =
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const std::string auth = "X-Secret-Key: " + h.server().secret() + "\r\n";
    auto handshake = [&](const std::string& headers) {
        RawConnection c(h.server().port());
        REQUIRE(c.send(raw_request("GET", "/acp", headers, "")));
        auto answer = c.read_response();
        REQUIRE(answer);
        return *answer;
    };
    CHECK(handshake(upgrade + "Sec-WebSocket-Version: 13\r\n").status == 401);
    CHECK(handshake(upgrade + auth + "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n").status == 403);
    const HttpResult old_version = handshake(upgrade + auth + "Sec-WebSocket-Version: 8\r\n");
    CHECK(old_version.status == 400);
    CHECK(old_version.body.find("Sec-WebSocket-Version") != std::string::npos);
    CHECK(old_version.header("acp-connection-id").empty()); // no connection was made
    const HttpResult accepted = handshake(upgrade + auth + "Sec-WebSocket-Version: 13\r\n");
    CHECK(accepted.status == 101);
    CHECK(accepted.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); // RFC 6455's own example
    CHECK(!accepted.header("acp-connection-id").empty());

    // Each WebSocket holds a thread of its own, so at most 64 are open at once; a closed one makes room.
    const std::string good = upgrade + auth + "Sec-WebSocket-Version: 13\r\n";
    std::vector<std::unique_ptr<RawConnection>> held;
    std::optional<HttpResult> refusal;
    for (int i = 0; i < 70 && !refusal; ++i) {
        auto c = std::make_unique<RawConnection>(h.server().port());
        REQUIRE(c->send(raw_request("GET", "/acp", good, "")));
        auto answer = c->read_response();
        REQUIRE(answer);
        if (answer->status == 101) held.push_back(std::move(c));
        else refusal = answer;
    }
    REQUIRE(refusal);
    CHECK(held.size() == 64);
    CHECK(refusal->status == 503);
    CHECK(refusal->body.find("Too many ACP WebSocket connections") != std::string::npos);
    held.pop_back(); // the client goes: its thread ends and its place is free again
    int status = 0;
    for (int attempt = 0; attempt < 200 && status != 101; ++attempt) {
        RawConnection c(h.server().port());
        REQUIRE(c.send(raw_request("GET", "/acp", good, "")));
        status = c.read_response().value_or(HttpResult{}).status;
        if (status != 101) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    CHECK(status == 101);
    held.clear();
    CHECK(h.server().get("/status").status == 200);
}
