// Prompt templates (/config/prompts), slash commands (/config/slash_commands and typed in a
// message), and /telemetry/event, through the real binary and the scripted model.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"

#include <filesystem>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

Json body_of(const HttpResult& r) { return Json::parse(r.body); }

std::string system_prompt_of(const gaggle::testing::RecordedRequest& request)
{
    const Json j = request.json();
    for (const auto& m : j["messages"])
        if (m["role"] == "system") return m["content"].is_string() ? m["content"].get<std::string>() : m["content"].dump();
    return "";
}

} // namespace

TEST_CASE("prompt templates: list, read, override what the model is sent, reset")
{
    AgentHarness h(json::array({scripted_text("one"), scripted_text("two"), scripted_text("three")}));
    ServerProcess& server = h.server();

    const Json list = body_of(server.get("/config/prompts"));
    REQUIRE(list["prompts"].is_array());
    bool has_system = false;
    for (const auto& t : list["prompts"])
        if (t["name"] == "system.md") {
            has_system = true;
            CHECK(t["is_customized"] == false);
            CHECK(t["user_content"].is_null());
            CHECK(t["default_content"].get<std::string>().find("{{working_dir}}") != std::string::npos);
        }
    CHECK(has_system);

    const std::string id = h.start_session();
    h.reply_all(id, "first");
    CHECK(system_prompt_of(h.provider().requests().back()).find("general-purpose AI agent") != std::string::npos);

    auto saved = server.request("PUT", "/config/prompts/system.md", Json{{"content", "You are a pirate in {{working_dir}}."}}.dump(),
                                {{"Content-Type", "application/json"}});
    CHECK(saved.status == 200);
    const Json one = body_of(server.get("/config/prompts/system.md"));
    CHECK(one["is_customized"] == true);
    CHECK(one["content"] == "You are a pirate in {{working_dir}}.");
    h.reply_all(id, "second");
    CHECK(system_prompt_of(h.provider().requests().back()) == "You are a pirate in " + server.root().string() + ".");

    CHECK(server.request("DELETE", "/config/prompts/system.md").status == 200);
    CHECK(body_of(server.get("/config/prompts/system.md"))["is_customized"] == false);
    h.reply_all(id, "third");
    CHECK(system_prompt_of(h.provider().requests().back()).find("pirate") == std::string::npos);

    SUBCASE("unknown names and bad bodies")
    {
        CHECK(server.get("/config/prompts/nope.md").status == 404);
        CHECK(body_of(server.get("/config/prompts/nope.md")).contains("message"));
        CHECK(server.request("PUT", "/config/prompts/nope.md", R"({"content":"x"})", {{"Content-Type", "application/json"}}).status == 404);
        CHECK(server.request("DELETE", "/config/prompts/nope.md").status == 404);
        CHECK(server.request("PUT", "/config/prompts/system.md", R"({"content":5})", {{"Content-Type", "application/json"}}).status / 100 == 4);
        CHECK(server.request("PUT", "/config/prompts/system.md", R"([1,2])", {{"Content-Type", "application/json"}}).status / 100 == 4);
        CHECK(server.request("PUT", "/config/prompts/..%2Fconfig.yaml", R"({"content":"x"})", {{"Content-Type", "application/json"}}).status == 404);
        CHECK(!std::filesystem::exists(server.root() / "config" / "prompts" / "nope.md"));
    }
}

TEST_CASE("slash commands: listed, /compact and /clear act without asking the model, recipe commands expand")
{
    AgentHarness h(json::array({scripted_text("answer one"), scripted_text("SUMMARY"), scripted_text("from the recipe"),
                                scripted_text("ordinary")}));
    ServerProcess& server = h.server();

    Json recipe{{"version", "1.0.0"}, {"title", "Standup"}, {"description", "Write my standup"},
                {"instructions", "Be brief."}, {"prompt", "Write the standup for {{ team }}"},
                {"parameters", json::array({{{"key", "team"}, {"input_type", "string"}, {"requirement", "optional"},
                                             {"description", "team"}, {"default", "platform"}}})}};
    auto saved = server.post_json("/recipes/save", Json{{"recipe", recipe}}.dump());
    REQUIRE(saved.status == 200);
    REQUIRE(server.post_json("/recipes/slash-command", Json{{"id", body_of(saved)["id"]}, {"slash_command", "standup"}}.dump()).status == 200);

    const Json commands = body_of(server.get("/config/slash_commands"))["commands"];
    bool compact = false, standup = false;
    for (const auto& c : commands) {
        if (c["command"] == "compact") compact = c["command_type"] == "Builtin";
        if (c["command"] == "standup") standup = c["command_type"] == "Recipe" && c["help"] == "Write my standup";
    }
    CHECK(compact);
    CHECK(standup);

    const std::string id = h.start_session();
    h.reply_all(id, "hello");
    h.provider().clear_requests();

    // /compact: one summarising call, no answer from the model to the command itself.
    auto events = h.reply_all(id, "/compact");
    CHECK(of_type(events, "UpdateConversation").size() == 1);
    CHECK(h.provider().requests().size() == 1);
    CHECK(of_type(events, "Finish").size() == 1);

    // A recipe command: the model is sent the recipe's rendered prompt plus the arguments.
    h.provider().clear_requests();
    auto recipe_events = h.reply_all(id, "/standup mention the release");
    CHECK(streamed_text(recipe_events).find("from the recipe") != std::string::npos);
    REQUIRE(h.provider().requests().size() == 1);
    const std::string sent = h.provider().requests().back().json()["messages"].dump();
    CHECK(sent.find("Write the standup for platform") != std::string::npos);
    CHECK(sent.find("mention the release") != std::string::npos);

    // /clear: the conversation and its token counts are gone; nothing asked of the model.
    h.provider().clear_requests();
    auto cleared = h.reply_all(id, "/clear");
    CHECK(h.provider().requests().empty());
    auto updates = of_type(cleared, "UpdateConversation");
    REQUIRE(updates.size() == 1);
    CHECK(updates[0]["conversation"].empty());
    const Json s = h.session(id);
    CHECK(s["conversation"].empty());
    CHECK((s["total_tokens"].is_null() || s["total_tokens"] == 0));

    // Text that merely starts with a slash is an ordinary message for the model.
    h.provider().clear_requests();
    h.reply_all(id, "/usr/bin/env is what?");
    CHECK(h.provider().requests().size() == 1);
}

TEST_CASE("telemetry events are accepted with 202 and kept only when the user opted in")
{
    ServerProcess::Options o;
    ServerProcess server(o);
    const auto file = server.root() / "state" / "telemetry" / "events.jsonl";
    const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};
    CHECK(server.request("POST", "/telemetry/event", R"({"event_name":"app_opened","properties":{"a":1}})", json_type).status == 202);
    CHECK(!std::filesystem::exists(file));

    CHECK(server.post_json("/config/upsert", Json{{"key", "GOOSE_TELEMETRY_ENABLED"}, {"value", true}, {"is_secret", false}}.dump()).status == 200);
    CHECK(server.request("POST", "/telemetry/event", R"({"event_name":"chat_sent"})", json_type).status == 202);
    const std::string kept = read_text_file(file);
    CHECK(kept.find("\"chat_sent\"") != std::string::npos);
    CHECK(kept.find("app_opened") == std::string::npos);

    CHECK(server.request("POST", "/telemetry/event", R"({"properties":{}})", json_type).status == 422);
    CHECK(server.request("POST", "/telemetry/event", R"({"event_name":"x","properties":[1]})", json_type).status == 422);
    CHECK(server.request("POST", "/telemetry/event", R"({"event_name":"")", json_type).status == 400);
    CHECK(server.request("POST", "/telemetry/event", R"({"event_name":"x"})", {}).status == 415);
}
