// Frontend extensions: tools the client app runs. The real binary and the scripted provider; the
// test plays the desktop, which receives the frontendToolRequest and answers with a toolResponse
// in a later /reply.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"

#include <chrono>
#include <thread>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

Json browser_extension()
{
    return Json{{"type", "frontend"},
                {"name", "browser_ui"},
                {"instructions", "Use open_tab to show a page to the user."},
                {"tools", Json::array({Json{{"name", "open_tab"},
                                            {"description", "Open a tab in the app"},
                                            {"inputSchema", {{"type", "object"}, {"properties", {{"url", {{"type", "string"}}}}}}}}})}};
}

std::string start_with(AgentHarness& h, const Json& extensions)
{
    auto r = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"extension_overrides", extensions}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const std::string id = Json::parse(r.body)["id"];
    auto resumed = h.post("/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", true}});
    REQUIRE_MESSAGE(resumed.status == 200, resumed.body);
    return id;
}

// Reads the stream up to the frontendToolRequest the turn shows.
Json wait_for_request(SseClient& stream)
{
    while (auto e = stream.next(30000)) {
        if (e->type() != "Message") continue;
        const Json message = e->json()["message"];
        for (auto& c : message["content"])
            if (c["type"] == "frontendToolRequest") {
                CHECK(message["metadata"]["agentVisible"] == false);
                return c;
            }
    }
    return Json();
}

Json tool_response(const std::string& id, const Json& tool_result)
{
    return Json{{"role", "user"},
                {"created", 1700000000},
                {"content", Json::array({Json{{"type", "toolResponse"}, {"id", id}, {"toolResult", tool_result}}})},
                {"metadata", {{"userVisible", false}, {"agentVisible", true}}}};
}

Json success(const std::string& text)
{
    return Json{{"status", "success"}, {"value", {{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}}}};
}

} // namespace

TEST_CASE("frontend tools: the model's call reaches the client as a frontendToolRequest and the client's result goes on with the turn")
{
    AgentHarness h(json::array({scripted_tool_call("f1", "browser_ui__open_tab", R"({"url":"https://example.org"})"),
                                scripted_text("The page is open.")}));
    const std::string id = start_with(h, Json::array({browser_extension()}));

    auto tools = h.server().get("/agent/tools?session_id=" + id);
    REQUIRE(tools.status == 200);
    CHECK(tools.body.find("\"browser_ui__open_tab\"") != std::string::npos);

    auto turn = h.reply(id, "show me example.org");
    const Json asked = wait_for_request(*turn);
    REQUIRE(asked.is_object());
    CHECK(asked["id"] == "f1");
    CHECK(asked["toolCall"]["status"] == "success");
    CHECK(asked["toolCall"]["value"]["name"] == "browser_ui__open_tab");
    CHECK(asked["toolCall"]["value"]["arguments"]["url"] == "https://example.org");

    // Results nobody waits for, in another session, or malformed: refused; the call still waits.
    const std::string other = start_with(h, Json::array());
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("nobody", success("x"))}}).status == 404);
    CHECK(h.post("/reply", Json{{"session_id", other}, {"user_message", tool_response("f1", success("x"))}}).status == 404);
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("f1", Json{{"status", "maybe"}})}}).status == 422);
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("f1", Json{{"status", "success"}, {"value", 7}})}}).status == 422);
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("", success("x"))}}).status == 422);

    auto answered = h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("f1", success("tab 7 shows example.org"))}});
    REQUIRE(answered.status == 200);
    CHECK(answered.body.find("\"Finish\"") != std::string::npos);
    const auto events = data_events(turn->rest());
    CHECK(tool_output(events, "f1").find("tab 7 shows example.org") != std::string::npos);
    CHECK(streamed_text(events) == "The page is open.");
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("f1", success("again"))}}).status == 404);

    // The model saw the tool and the extension's instructions, then the client's result; the
    // answer started no turn of its own.
    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 2);
    const std::string first = requests[0].json().dump();
    CHECK(first.find("browser_ui__open_tab") != std::string::npos);
    CHECK(first.find("Use open_tab to show a page to the user.") != std::string::npos);
    CHECK(requests[1].json().dump().find("tab 7 shows example.org") != std::string::npos);

    // Stored as the conversation: the model's request and the client's result, not the prompt.
    const std::string stored = h.session(id)["conversation"].dump();
    CHECK(stored.find("tab 7 shows example.org") != std::string::npos);
    CHECK(stored.find("frontendToolRequest") == std::string::npos);
}

TEST_CASE("frontend tools: an error from the client, a direct call, a cancelled turn and malformed configs")
{
    AgentHarness h(json::array({scripted_tool_call("f1", "browser_ui__open_tab", R"({"url":"x"})"),
                                scripted_text("Could not open it."),
                                scripted_tool_call("f2", "browser_ui__open_tab", R"({"url":"y"})"),
                                scripted_text("late")}));
    const std::string id = start_with(h, Json::array({browser_extension()}));

    // /agent/call_tool has no client attached to run it: an error result at once.
    auto direct = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "browser_ui__open_tab"}, {"arguments", Json::object()}});
    REQUIRE(direct.status == 200);
    CHECK(Json::parse(direct.body)["is_error"] == true);
    CHECK(direct.body.find("no client is attached") != std::string::npos);

    // The client reports an error, through the 1.34 route: the model reads it as a tool error.
    auto turn = h.reply(id, "open x");
    const Json asked = wait_for_request(*turn);
    REQUIRE(asked.is_object());
    auto reported = h.post("/sessions/" + id + "/reply",
                           Json{{"request_id", "r-err"}, {"user_message", tool_response("f1", Json{{"status", "error"}, {"error", "the window is closed"}})}});
    REQUIRE(reported.status == 200);
    auto events = data_events(turn->rest());
    const std::string output = tool_output(events, "f1");
    CHECK(output.find("the window is closed") != std::string::npos);
    CHECK(output.find("\"isError\":true") != std::string::npos);
    CHECK(streamed_text(events) == "Could not open it.");

    // A client that goes away cancels the wait; nothing is left waiting for its answer.
    auto second = h.reply(id, "open y");
    REQUIRE(wait_for_request(*second).is_object());
    second->close();
    bool forgotten = false;
    for (int i = 0; i < 100 && !forgotten; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        forgotten = h.post("/reply", Json{{"session_id", id}, {"user_message", tool_response("f2", success("late"))}}).status == 404;
    }
    CHECK(forgotten);

    // Malformed frontend configs are refused before anything changes.
    Json no_tools = browser_extension();
    no_tools.erase("tools");
    Json bad_name = browser_extension();
    bad_name["tools"][0]["name"] = "open tab";
    Json bad_schema = browser_extension();
    bad_schema["tools"][0]["inputSchema"] = "object";
    Json not_object = browser_extension();
    not_object["tools"] = Json::array({"open_tab"});
    for (const Json& config : {no_tools, bad_name, bad_schema, not_object}) {
        auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", config}});
        CHECK_MESSAGE(r.status == 422, r.body);
        CHECK(r.body.find("\"message\"") != std::string::npos);
    }
}
