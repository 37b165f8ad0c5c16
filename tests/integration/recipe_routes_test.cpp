// Every /recipes route through the real binary, with its 4xx answers; /agent/start with a
// recipe id from the library; /recipes/create against the scripted provider.
#include "agent_harness.hpp"
#include "server_process.hpp"

#include "common/json.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace gaggle::test;
using gaggle::Json;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(GAGGLE_TEST_FIXTURES_DIR) / "recipes";

Json simple_recipe(const std::string& title = "Daily report")
{
    return Json{{"title", title}, {"description", "Writes the daily report"}, {"prompt", "Write the report for {{ team }}"},
                {"parameters", Json::array({Json{{"key", "team"}, {"input_type", "string"}, {"requirement", "required"}, {"description", "which team"}}})}};
}

Json body(const HttpResult& r) { return Json::parse(r.body); }

std::string message(const HttpResult& r) { return body(r)["message"].get<std::string>(); }

} // namespace

TEST_CASE("/recipes/parse, encode, decode, scan and to-yaml")
{
    ServerProcess server;
    std::ifstream in(fixtures / "full.yaml");
    const std::string yaml((std::istreambuf_iterator<char>(in)), {});

    auto parsed = server.post_json("/recipes/parse", Json{{"content", yaml}}.dump());
    REQUIRE(parsed.status == 200);
    const Json recipe = body(parsed)["recipe"];
    CHECK(recipe["title"] == "Release readiness");
    CHECK(recipe["parameters"].size() == 3);

    auto bad = server.post_json("/recipes/parse", Json{{"content", "title: T\ndescription: D\nprompt: P\nsettings:\n  max_turns: many\n"}}.dump());
    CHECK(bad.status == 400);
    CHECK(message(bad) == "Invalid recipe format: `settings.max_turns` (line 5): must be a whole number of at least 0");
    auto undeclared = server.post_json("/recipes/parse", Json{{"content", "title: T\ndescription: D\nprompt: '{{ who }}'\n"}}.dump());
    CHECK(undeclared.status == 400);
    CHECK(message(undeclared).find("does not declare as parameters: who") != std::string::npos);
    CHECK(server.post_json("/recipes/parse", R"({"content": 3})").status == 422);
    CHECK(server.post_json("/recipes/parse", "{").status == 400);
    CHECK(server.request("POST", "/recipes/parse", R"({"content":"x"})", {{"Content-Type", "text/plain"}}).status == 415);

    auto encoded = server.post_json("/recipes/encode", Json{{"recipe", recipe}}.dump());
    REQUIRE(encoded.status == 200);
    const std::string link = body(encoded)["deeplink"];
    CHECK(link.find_first_of("+/=") == std::string::npos); // URL-safe, unpadded
    auto decoded = server.post_json("/recipes/decode", Json{{"deeplink", link}}.dump());
    REQUIRE(decoded.status == 200);
    CHECK(body(decoded)["recipe"] == recipe);
    CHECK(server.post_json("/recipes/decode", Json{{"deeplink", "goose://recipe?config=" + link}}.dump()).status == 200);
    CHECK(server.post_json("/recipes/decode", Json{{"deeplink", "not base64 !!"}}.dump()).status == 400);
    // A decodable link whose recipe is invalid (no prompt or instructions) is refused too.
    auto no_prompt = server.post_json("/recipes/decode", Json{{"deeplink", "eyJ0aXRsZSI6IlQiLCJkZXNjcmlwdGlvbiI6IkQifQ"}}.dump());
    CHECK(no_prompt.status == 400);
    CHECK(message(no_prompt).find("at least one of `instructions` or `prompt`") != std::string::npos);
    CHECK(server.post_json("/recipes/encode", R"({"recipe":{"title":"T"}})").status == 400);
    CHECK(server.post_json("/recipes/encode", R"({})").status == 422);

    CHECK(body(server.post_json("/recipes/scan", Json{{"recipe", recipe}}.dump())) == Json{{"has_security_warnings", false}});
    Json sneaky = recipe;
    sneaky["instructions"] = "Be helpful\xF3\xA0\x81\x89\xF3\xA0\x81\x87\xF3\xA0\x81\x8E"; // tag characters spelling "IGN"
    CHECK(body(server.post_json("/recipes/scan", Json{{"recipe", sneaky}}.dump())) == Json{{"has_security_warnings", true}});
    CHECK(server.post_json("/recipes/scan", R"({"recipe":[]})").status == 422);

    auto yaml_out = server.post_json("/recipes/to-yaml", Json{{"recipe", recipe}}.dump());
    REQUIRE(yaml_out.status == 200);
    auto reparsed = server.post_json("/recipes/parse", Json{{"content", body(yaml_out)["yaml"]}}.dump());
    REQUIRE(reparsed.status == 200);
    CHECK(body(reparsed)["recipe"] == recipe);
    auto bad_yaml = server.post_json("/recipes/to-yaml", R"({"recipe":{"title":"T","description":"D"}})");
    CHECK(bad_yaml.status == 400);
    CHECK(message(bad_yaml).rfind("Failed to convert recipe to YAML: ", 0) == 0);
}

TEST_CASE("the recipe library: save, list, slash command, schedule, delete, and /agent/start by id")
{
    ServerProcess::Options o;
    TempDir extra;
    o.env["GOOSE_RECIPE_PATH"] = extra.path().string();
    ServerProcess server(o);
    fs::copy_file(fixtures / "wrapped.yaml", extra.path() / "wrapped.yaml");

    CHECK(body(server.get("/recipes/list"))["manifests"].size() == 1);

    auto saved = server.post_json("/recipes/save", Json{{"recipe", simple_recipe()}}.dump());
    REQUIRE(saved.status == 200);
    const Json s = body(saved);
    CHECK(s["file_name"] == "daily-report.yaml");
    CHECK(s["file_path"] == (server.root() / "config" / "recipes" / "daily-report.yaml").string());
    const std::string id = s["id"];
    CHECK(id.size() == 16);

    auto list = body(server.get("/recipes/list"))["manifests"];
    REQUIRE(list.size() == 2);
    const Json* mine = nullptr;
    for (auto& m : list)
        if (m["id"] == id) mine = &m;
    REQUIRE(mine);
    CHECK((*mine)["recipe"]["title"] == "Daily report");
    CHECK((*mine)["file_path"] == s["file_path"]);
    CHECK((*mine)["last_modified"].get<std::string>().size() >= 20);
    CHECK((*mine)["schedule_cron"].is_null());
    CHECK((*mine)["slash_command"].is_null());

    SUBCASE("save refuses hidden characters, invalid recipes and unknown ids")
    {
        Json sneaky = simple_recipe();
        sneaky["prompt"] = "Write the report for {{ team }}\xE2\x80\xAE";
        auto r = server.post_json("/recipes/save", Json{{"recipe", sneaky}}.dump());
        CHECK(r.status == 400);
        CHECK(message(r).find("hidden characters") != std::string::npos);
        Json optional_without_default = simple_recipe();
        optional_without_default["parameters"][0]["requirement"] = "optional";
        CHECK(message(server.post_json("/recipes/save", Json{{"recipe", optional_without_default}}.dump())) ==
              "`parameters[0].default`: an optional parameter needs a default");
        CHECK(server.post_json("/recipes/save", Json{{"recipe", simple_recipe()}, {"id", "0000000000000000"}}.dump()).status == 404);
        CHECK(server.post_json("/recipes/save", R"({"id":"x"})").status == 422);
    }

    SUBCASE("save with an id overwrites that file")
    {
        Json changed = simple_recipe("Daily report v2");
        auto r = server.post_json("/recipes/save", Json{{"recipe", changed}, {"id", id}}.dump());
        REQUIRE(r.status == 200);
        CHECK(body(r)["id"] == id);
        CHECK(body(r)["file_name"] == "daily-report.yaml");
        CHECK(body(server.get("/recipes/list"))["manifests"].size() == 2);
    }

    SUBCASE("slash commands and schedules are stored on the manifest")
    {
        CHECK(server.post_json("/recipes/slash-command", Json{{"id", id}, {"slash_command", "/Report"}}.dump()).status == 200);
        // The scheduler plugin runs it as a job named after the file (scheduler_test.cpp has more).
        auto sched = server.post_json("/recipes/schedule", Json{{"id", id}, {"cron_schedule", "0 0 9 * * 1-5"}}.dump());
        CHECK(sched.status == 200);
        CHECK(body(sched)["id"] == "daily-report");
        CHECK(body(sched)["cron"] == "0 0 9 * * 1-5");
        const Json listed = body(server.get("/recipes/list")); // named: a temporary's member would dangle in the loop
        for (auto& m : listed["manifests"])
            if (m["id"] == id) {
                CHECK(m["slash_command"] == "report");
                CHECK(m["schedule_cron"] == "0 0 9 * * 1-5");
            }

        CHECK(server.post_json("/recipes/slash-command", Json{{"id", id}, {"slash_command", "compact"}}.dump()).status == 400);
        const std::string other = body(server.get("/recipes/list"))["manifests"][1]["id"] == id
                                      ? body(server.get("/recipes/list"))["manifests"][0]["id"].get<std::string>()
                                      : body(server.get("/recipes/list"))["manifests"][1]["id"].get<std::string>();
        CHECK(server.post_json("/recipes/slash-command", Json{{"id", other}, {"slash_command", "report"}}.dump()).status == 409);
        CHECK(server.post_json("/recipes/slash-command", Json{{"id", "ffffffffffffffff"}, {"slash_command", "x"}}.dump()).status == 404);
        CHECK(server.post_json("/recipes/schedule", Json{{"id", id}, {"cron_schedule", "every day"}}.dump()).status == 400);
        CHECK(server.post_json("/recipes/schedule", Json{{"id", "ffffffffffffffff"}, {"cron_schedule", "@daily"}}.dump()).status == 404);

        // Removing both.
        CHECK(server.post_json("/recipes/slash-command", Json{{"id", id}, {"slash_command", nullptr}}.dump()).status == 200);
        CHECK(server.post_json("/recipes/schedule", Json{{"id", id}}.dump()).status == 200);
        const Json unbound = body(server.get("/recipes/list"));
        for (auto& m : unbound["manifests"])
            if (m["id"] == id) {
                CHECK(m["slash_command"].is_null());
                CHECK(m["schedule_cron"].is_null());
            }
    }

    SUBCASE("/agent/start with recipe_id loads the recipe from the library")
    {
        auto started = server.post_json("/agent/start", Json{{"working_dir", server.root().string()}, {"recipe_id", id}}.dump());
        REQUIRE(started.status == 200);
        const Json session = body(started);
        CHECK(session["recipe"]["title"] == "Daily report");
        auto values = server.request("PUT", "/sessions/" + session["id"].get<std::string>() + "/user_recipe_values",
                                     R"({"userRecipeValues":{"team":"ops"}})", {{"Content-Type", "application/json"}});
        REQUIRE(values.status == 200);
        CHECK(body(values)["recipe"]["prompt"] == "Write the report for ops");
        auto unknown = server.post_json("/agent/start", Json{{"working_dir", server.root().string()}, {"recipe_id", "0123456789abcdef"}}.dump());
        CHECK(unknown.status == 404);
        CHECK(message(unknown) == "Recipe not found: 0123456789abcdef");
        auto invalid = server.post_json("/agent/start", Json{{"working_dir", server.root().string()}, {"recipe", Json{{"title", "T"}}}}.dump());
        CHECK(invalid.status == 400);
        CHECK(message(invalid) == "`description`: missing field");
    }

    SUBCASE("delete removes the file; a second delete is 404")
    {
        const auto r = server.post_json("/recipes/delete", Json{{"id", id}}.dump());
        CHECK(r.status == 204);
        CHECK(r.body.empty());
        CHECK_FALSE(fs::exists(s["file_path"].get<std::string>()));
        CHECK(server.post_json("/recipes/delete", Json{{"id", id}}.dump()).status == 404);
        CHECK(server.post_json("/recipes/delete", R"({})").status == 422);
        CHECK(body(server.get("/recipes/list"))["manifests"].size() == 1);
    }
}

TEST_CASE("/recipes/create asks the session's provider for a recipe")
{
    const std::string answer =
        "Here it is:\n```json\n{\"title\": \"Trip planner\", \"description\": \"Plans trips\", \"instructions\": \"Ask where and when, then plan.\", "
        "\"activities\": [\"Plan a weekend in Oslo\"]}\n```";
    auto reply = [](const std::string& text) {
        return nlohmann::json{{"format", "openai"}, {"chunks", nlohmann::json::array({{{"text", text}}})}, {"usage", {{"input_tokens", 5}, {"output_tokens", 5}}}};
    };
    AgentHarness h(nlohmann::json::array({reply("Sure, Oslo it is."), reply(answer), reply("no json here")}));
    const std::string id = h.start_session();

    auto empty = h.post("/recipes/create", Json{{"session_id", id}});
    CHECK(empty.status == 400);
    CHECK(body(empty)["error"].get<std::string>().find("no conversation") != std::string::npos);

    h.reply_all(id, "Plan a weekend in Oslo");
    auto made = h.post("/recipes/create", Json{{"session_id", id}, {"author", {{"contact", "ada"}}}});
    REQUIRE(made.status == 200);
    const Json recipe = body(made)["recipe"];
    CHECK(recipe["title"] == "Trip planner");
    CHECK(recipe["instructions"] == "Ask where and when, then plan.");
    CHECK(recipe["activities"] == Json::array({"Plan a weekend in Oslo"}));
    CHECK(recipe["author"]["contact"] == "ada");
    CHECK(body(made)["error"].is_null());
    // The provider saw the conversation and the request for a recipe.
    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 2);
    const auto sent = requests[1].json()["messages"];
    CHECK(sent.dump().find("Plan a weekend in Oslo") != std::string::npos);
    CHECK(sent.dump().find("JSON object") != std::string::npos);

    auto garbage = h.post("/recipes/create", Json{{"session_id", id}});
    CHECK(garbage.status == 400);
    CHECK(body(garbage)["recipe"].is_null());
    CHECK(body(garbage)["error"].get<std::string>().find("did not answer with a JSON object") != std::string::npos);

    CHECK(h.post("/recipes/create", Json{{"session_id", "20990101_1"}}).status == 404);
    CHECK(h.post("/recipes/create", Json::object()).status == 422);
}

TEST_CASE("/recipes/create without a provider is the upstream precondition failure")
{
    ServerProcess server;
    auto imported = server.post_json("/sessions/import",
                                     Json{{"json", R"({"id":"x","name":"n","working_dir":"/tmp","session_type":"user","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","extension_data":{},"message_count":1,"conversation":[{"id":"u1","role":"user","created":1,"content":[{"type":"text","text":"hi"}],"metadata":{"userVisible":true,"agentVisible":true}}]})"}}.dump());
    REQUIRE(imported.status == 200);
    auto r = server.post_json("/recipes/create", Json{{"session_id", body(imported)["id"]}}.dump());
    CHECK(r.status == 412);
    CHECK(body(r)["error"].get<std::string>().find("No provider configured") != std::string::npos);
    CHECK(body(r)["message"] == body(r)["error"]);
}
