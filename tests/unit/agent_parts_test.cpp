// The agent's building blocks on their own: event bus replay, permissions, confirmations,
// session naming, what an MCP server may ask the model through sampling.
#include "agent/confirmations.hpp"
#include "agent/elicitation.hpp"
#include "agent/frontend_tools.hpp"
#include "agent/mcp_sampling.hpp"
#include "agent/event_bus.hpp"
#include "agent/permissions.hpp"
#include "agent/session_namer.hpp"
#include "api/openapi_document.hpp"
#include "common/error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace gaggle;

TEST_CASE("event bus: sequence numbers, replay after a seq, and too-far-behind")
{
    SessionEventBus bus(4);
    for (int i = 0; i < 3; ++i) bus.publish(Json{{"type", "Message"}, {"n", i}}, "r1");
    auto all = bus.wait_after(0, std::chrono::milliseconds(0));
    REQUIRE(all.events.size() == 3);
    CHECK(all.events[0].seq == 1);
    CHECK(Json::parse(all.events[2].json)["chat_request_id"] == "r1");
    CHECK(Json::parse(all.events[2].json)["request_id"] == "r1");
    auto tail = bus.wait_after(2, std::chrono::milliseconds(0));
    REQUIRE(tail.events.size() == 1);
    CHECK(tail.events[0].seq == 3);
    CHECK(bus.wait_after(3, std::chrono::milliseconds(10)).events.empty());

    for (int i = 0; i < 5; ++i) bus.publish(Json{{"type", "Ping"}}, "r1"); // seq 4..8; buffer keeps 5..8
    auto behind = bus.wait_after(2, std::chrono::milliseconds(0));
    CHECK(behind.too_far_behind);
    CHECK(behind.next_after == 8);
    auto ok = bus.wait_after(4, std::chrono::milliseconds(0));
    CHECK_FALSE(ok.too_far_behind);
    CHECK(ok.events.size() == 4);

    // A waiting listener wakes when an event arrives.
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        bus.publish(Json{{"type", "Finish"}}, "r2");
    });
    auto woke = bus.wait_after(8, std::chrono::milliseconds(5000));
    late.join();
    REQUIRE(woke.events.size() == 1);
    CHECK(woke.events[0].seq == 9);

    bus.set_active("r2", true);
    CHECK(bus.active_requests() == std::vector<std::string>{"r2"});
    bus.set_active("r2", false);
    CHECK(bus.active_requests().empty());
}

TEST_CASE("permissions: modes, rules, and permission.yaml")
{
    const auto dir = std::filesystem::temp_directory_path() / ("gaggle-perm-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "permission.yaml";
    std::ofstream(file) << "user:\n  always_allow:\n    - a__safe\n  never_allow:\n    - a__bad\n  ask_before:\n    - a__ask\n"
                           "smart_approve:\n  always_allow:\n    - kept__by_us\n";
    PermissionStore p(file);
    CHECK(p.decide("default", "auto", "a__bad", false) == PermissionDecision::allow); // auto never asks
    CHECK(p.decide("default", "approve", "a__safe", false) == PermissionDecision::allow);
    CHECK(p.decide("default", "approve", "a__bad", true) == PermissionDecision::deny);
    CHECK(p.decide("default", "smart_approve", "a__ask", true) == PermissionDecision::ask);
    CHECK(p.decide("default", "approve", "x__other", true) == PermissionDecision::ask);
    CHECK(p.decide("default", "smart_approve", "x__reader", true) == PermissionDecision::allow);
    CHECK(p.decide("default", "smart_approve", "x__writer", false) == PermissionDecision::ask);

    p.set_rule("default", "x__writer", PermissionLevel::always_allow);
    p.set_rule("default", "a__bad", PermissionLevel::always_allow); // moves between lists
    PermissionStore reread(file);
    CHECK(reread.rule_for("default", "x__writer") == PermissionLevel::always_allow);
    CHECK(reread.rule_for("default", "a__bad") == PermissionLevel::always_allow);
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.find("kept__by_us") != std::string::npos); // sections we do not manage survive


    // Another user's answers live in their own file and never reach the default user, or back.
    p.set_rule("alice", "a__safe", PermissionLevel::never_allow);
    p.set_rule("alice", "z__tool", PermissionLevel::always_allow);
    CHECK(p.decide("alice", "approve", "a__safe", false) == PermissionDecision::deny);
    CHECK(p.decide("default", "approve", "a__safe", false) == PermissionDecision::allow);
    CHECK(p.decide("default", "approve", "z__tool", false) == PermissionDecision::ask);
    CHECK(p.decide("bob", "approve", "z__tool", false) == PermissionDecision::ask);
    CHECK(std::filesystem::exists(dir / "permissions" / "alice.yaml"));
    CHECK(p.file_for("../evil") == dir / "permissions" / "%2E%2E%2Fevil.yaml");
    PermissionStore reread_alice(file);
    CHECK(reread_alice.rule_for("alice", "z__tool") == PermissionLevel::always_allow);
    CHECK_FALSE(reread_alice.rule_for("default", "z__tool"));

    std::ofstream(file) << "user: [broken\n";
    PermissionStore broken(file); // reported, not fatal
    CHECK_FALSE(broken.rule_for("default", "a__safe"));
    CHECK(normalise_mode("smart_approve") == std::optional<std::string>("smart_approve"));
    CHECK_FALSE(normalise_mode("yolo"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("confirmations: delivered by session and id, cancellable, never misrouted")
{
    ConfirmationBroker broker;
    CancelToken cancel;
    broker.expect("s1", "call_1");
    CHECK_FALSE(broker.deliver("s2", "call_1", ConfirmAction::allow_once)); // another session's id
    CHECK_FALSE(broker.deliver("s1", "call_9", ConfirmAction::allow_once));
    std::thread answer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(broker.deliver("s1", "call_1", ConfirmAction::always_deny));
    });
    CHECK(broker.wait("s1", "call_1", cancel) == ConfirmAction::always_deny);
    answer.join();
    CHECK_FALSE(broker.deliver("s1", "call_1", ConfirmAction::allow_once)); // already answered

    broker.expect("s1", "call_2");
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        cancel.cancel();
    });
    CHECK_FALSE(broker.wait("s1", "call_2", cancel));
    stopper.join();
    CHECK(parse_confirm_action("always_allow") == ConfirmAction::always_allow);
    CHECK_FALSE(parse_confirm_action("deny"));
}

TEST_CASE("session names come from the first user text")
{
    CHECK(session_name_from_text("  Plan a\n trip   to Lisbon ") == "Plan a trip to Lisbon");
    const std::string long_text = "Please refactor the authentication module so that tokens expire after one hour and are refreshed";
    const std::string name = session_name_from_text(long_text);
    CHECK(name.size() <= 63);
    CHECK(name.substr(name.size() - 3) == "...");
    CHECK(long_text.rfind(name.substr(0, name.size() - 3), 0) == 0);
    CHECK(session_name_from_text("") == "");
    const std::string accents(70, 'x');
    CHECK(session_name_from_text(accents + "é").size() <= 63);
}

TEST_CASE("OpenAPI templates compare by shape")
{
    CHECK(template_shape("/sessions/{id}/fork") == template_shape("/sessions/{session_id}/fork"));
    CHECK(template_shape("/sessions/search") != template_shape("/sessions/{id}"));
}

TEST_CASE("sampling: a server's messages become chat messages; anything else is refused with a reason")
{
    const Json ok = sampling_chat_messages(Json::parse(R"({"messages":[
        {"role":"user","content":{"type":"text","text":"hi"}},
        {"role":"assistant","content":[{"type":"text","text":"a"},{"type":"image","data":"AAAA","mimeType":"image/png"}]}]})"));
    REQUIRE(ok.size() == 2);
    CHECK(ok[0]["role"] == "user");
    CHECK(ok[0]["content"][0]["text"] == "hi");
    CHECK(ok[1]["content"][1]["type"] == "image");
    CHECK(ok[1]["content"][1]["mimeType"] == "image/png");

    const char* refused[] = {
        "null", "[]", "{}", R"({"messages":{}})", R"({"messages":[]})", R"({"messages":[1]})",
        R"({"messages":[{"role":"system","content":{"type":"text","text":"x"}}]})",
        R"({"messages":[{"role":"user"}]})",
        R"({"messages":[{"role":"user","content":{"type":"audio","data":"AA","mimeType":"audio/wav"}}]})",
        R"({"messages":[{"role":"user","content":{"type":"text","text":7}}]})",
        R"({"messages":[{"role":"user","content":{"type":"image","data":"AA"}}]})",
        R"({"messages":[{"role":"user","content":{"type":"image","data":"not base64!","mimeType":"image/png"}}]})",
        R"({"messages":[{"role":"user","content":{"type":"image","data":"AAA","mimeType":"image/png"}}]})",
        R"({"messages":[{"role":"user","content":{"type":"image","data":"AAAA","mimeType":"text/html"}}]})",
        R"({"messages":[{"role":"user","content":[{"type":"text","text":"x"},"y"]}]})",
    };
    for (const char* text : refused) {
        INFO(text);
        CHECK_THROWS_AS(sampling_chat_messages(Json::parse(text)), Error);
    }
    Json many{{"messages", Json::array()}};
    for (int i = 0; i < 201; ++i) many["messages"].push_back({{"role", "user"}, {"content", {{"type", "text"}, {"text", "x"}}}});
    CHECK_THROWS_AS(sampling_chat_messages(many), Error);
    Json huge{{"messages", Json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::string(1100 * 1024, 'x')}}}}})}};
    CHECK_THROWS_AS(sampling_chat_messages(huge), Error);
}

TEST_CASE("elicitation answers: found in a reply's message by shape, malformed ones refused, others ignored")
{
    auto message = [](const Json& data) {
        return Json{{"role", "user"}, {"content", Json::array({Json{{"type", "actionRequired"}, {"data", data}}})}};
    };
    const auto answer = elicitation_answer_in(message({{"actionType", "elicitationResponse"}, {"id", "e1"}, {"user_data", {{"a", 1}}}}));
    REQUIRE(answer);
    CHECK(answer->id == "e1");
    CHECK(answer->user_data == Json{{"a", 1}});
    CHECK(elicitation_answer_in(message({{"actionType", "elicitationResponse"}, {"id", "e2"}}))->user_data.is_null());
    CHECK_FALSE(elicitation_answer_in(message({{"actionType", "toolConfirmation"}, {"id", "e1"}})));
    CHECK_FALSE(elicitation_answer_in(Json{{"role", "user"}, {"content", Json::array({Json{{"type", "text"}, {"text", "hi"}}})}}));
    CHECK_FALSE(elicitation_answer_in(Json{{"content", "not an array"}}));
    CHECK_FALSE(elicitation_answer_in(Json::array()));
    CHECK_FALSE(elicitation_answer_in(message("not an object")));
    CHECK_THROWS_AS(elicitation_answer_in(message({{"actionType", "elicitationResponse"}})), Error);
    CHECK_THROWS_AS(elicitation_answer_in(message({{"actionType", "elicitationResponse"}, {"id", 5}})), Error);
    CHECK_THROWS_AS(elicitation_answer_in(message({{"actionType", "elicitationResponse"}, {"id", ""}})), Error);
}

TEST_CASE("frontend tool results: found in a reply's message, turned into a CallToolResult, malformed ones refused")
{
    auto message = [](const Json& item) { return Json{{"role", "user"}, {"content", Json::array({item})}}; };
    auto response = [&](const Json& id, const Json& result) {
        return message(Json{{"type", "toolResponse"}, {"id", id}, {"toolResult", result}});
    };
    const Json content = Json::array({Json{{"type", "text"}, {"text", "done"}}});

    auto answer = frontend_tool_answer_in(response("t1", Json{{"status", "success"}, {"value", {{"content", content}}}}));
    REQUIRE(answer);
    CHECK(answer->id == "t1");
    CHECK(answer->result == Json{{"content", content}});
    // Just the content array, as older clients send it.
    CHECK(frontend_tool_answer_in(response("t1", Json{{"status", "success"}, {"value", content}}))->result == Json{{"content", content}});
    const auto failed = frontend_tool_answer_in(response("t1", Json{{"status", "error"}, {"error", "no window"}}));
    CHECK(failed->result["isError"] == true);
    CHECK(failed->result["content"][0]["text"] == "no window");
    CHECK(frontend_tool_answer_in(response("t1", Json{{"status", "error"}}))->result["isError"] == true);

    CHECK_FALSE(frontend_tool_answer_in(message(Json{{"type", "text"}, {"text", "hi"}})));
    CHECK_FALSE(frontend_tool_answer_in(Json{{"content", "not an array"}}));
    CHECK_FALSE(frontend_tool_answer_in(Json::array()));
    CHECK_THROWS_AS(frontend_tool_answer_in(response("", Json{{"status", "error"}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response(5, Json{{"status", "error"}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(message(Json{{"type", "toolResponse"}, {"id", "t1"}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response("t1", "success")), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response("t1", Json{{"status", "pending"}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response("t1", Json{{"status", "success"}, {"value", 7}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response("t1", Json{{"status", "success"}, {"value", Json::array({7})}})), Error);
    CHECK_THROWS_AS(frontend_tool_answer_in(response("t1", Json{{"status", "success"}, {"value", {{"content", content}, {"isError", "no"}}}})), Error);
}

TEST_CASE("frontend tool source: lists the configured tools, runs calls through the client, errs without one")
{
    const auto spec = mcp::parse_extension_config(
        Json{{"type", "frontend"}, {"name", "App UI"}, {"instructions", "Be brief."}, {"timeout", 42},
             {"tools", Json::array({Json{{"name", "show"}, {"annotations", {{"readOnlyHint", true}}}}, Json{{"name", "pick"}, {"description", "Pick one"}}})}});
    FrontendToolSource source(spec);
    CHECK(source.extension_name() == "appui"); // the key: whitespace dropped, lower case
    CHECK(source.instructions() == "Be brief.");
    const auto tools = source.list_tools();
    REQUIRE(tools.size() == 2);
    CHECK(tools[0].read_only);
    CHECK(tools[0].input_schema["type"] == "object");
    CHECK(tools[1].description == "Pick one");
    CHECK_FALSE(tools[1].read_only);

    ToolContext context;
    CHECK(source.call_tool(context, "show", Json::object())["isError"] == true);
    std::string ran;
    std::chrono::seconds waits{0};
    context.run_on_client = [&](const std::string& name, const Json&, std::chrono::seconds timeout) {
        ran = name;
        waits = timeout;
        return Json{{"content", Json::array()}};
    };
    CHECK(source.call_tool(context, "nope", Json::object())["isError"] == true);
    CHECK(ran.empty());
    CHECK(source.call_tool(context, "pick", Json::object()) == Json{{"content", Json::array()}});
    CHECK(ran == "appui__pick");
    CHECK(waits == std::chrono::seconds(42)); // the extension's own timeout bounds the client's answer
}

TEST_CASE("pending answers: delivered once to the asker of that session and id; a give-up releases the wait")
{
    ElicitationBroker broker;
    CancelToken never;
    broker.expect("s1", "q");
    CHECK_FALSE(broker.deliver("s2", "q", Json{{"x", 1}})); // another session's question
    CHECK(broker.deliver("s1", "q", Json{{"x", 1}}));
    CHECK_FALSE(broker.deliver("s1", "q", Json{{"x", 2}})); // already answered
    CHECK(broker.wait("s1", "q", never) == Json{{"x", 1}});
    CHECK_FALSE(broker.deliver("s1", "q", Json{{"x", 3}})); // forgotten once collected

    broker.expect("s1", "r");
    std::atomic<bool> give_up{false};
    std::thread later([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        give_up = true;
    });
    CHECK_FALSE(broker.wait("s1", "r", never, [&] { return give_up.load(); }));
    later.join();
    CHECK_FALSE(broker.deliver("s1", "r", Json::object()));
}
