// The provider catalog the desktop's "add a provider" screen reads, a custom provider made from
// one of its templates, and the sign-in routes of providers that have none.
#include <doctest/doctest.h>

#include "server_process.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace gaggle::test;
using nlohmann::json;

TEST_CASE("provider catalog: entries by format, one template, a custom provider made from it")
{
    ServerProcess server;
    auto r = server.get("/config/provider-catalog");
    REQUIRE(r.status == 200);
    const json openai_like = json::parse(r.body);
    REQUIRE(openai_like.size() >= 5);
    std::set<std::string> ids;
    for (const auto& e : openai_like) {
        ids.insert(e["id"].get<std::string>());
        CHECK(e["format"] == "openai");
        for (const char* field : {"id", "name", "api_url", "doc_url", "env_var"}) CHECK_MESSAGE(e[field].is_string(), field);
        CHECK(e["api_url"].get<std::string>().rfind("https://", 0) == 0);
        CHECK(e["model_count"].get<int>() >= 1);
    }
    CHECK(ids.count("groq"));
    CHECK(ids.count("openrouter"));
    CHECK(json::parse(server.get("/config/provider-catalog?format=openai").body) == openai_like);
    const json anthropic = json::parse(server.get("/config/provider-catalog?format=anthropic").body);
    REQUIRE(anthropic.size() == 1);
    CHECK(anthropic[0]["id"] == "anthropic");
    CHECK(json::parse(server.get("/config/provider-catalog?format=ollama").body)[0]["api_url"] == "http://localhost:11434");
    r = server.get("/config/provider-catalog?format=cobol");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"].get<std::string>().find("format") != std::string::npos);

    r = server.get("/config/provider-catalog/groq");
    REQUIRE(r.status == 200);
    const json groq = json::parse(r.body);
    CHECK(groq["format"] == "openai");
    CHECK(groq["supports_streaming"] == true);
    CHECK(groq["env_var"] == "GROQ_API_KEY");
    REQUIRE(groq["models"].size() == 2);
    for (const auto& m : groq["models"]) {
        CHECK(m["context_limit"].get<int>() > 0);
        CHECK(m["deprecated"] == false);
        for (const char* c : {"tool_call", "reasoning", "attachment", "temperature"}) CHECK(m["capabilities"][c].is_boolean());
    }
    for (const auto& e : openai_like) CHECK(server.get("/config/provider-catalog/" + e["id"].get<std::string>()).status == 200);
    CHECK(server.get("/config/provider-catalog/nope").status == 404);

    // What the desktop does next: a custom provider from the template keeps its context limits.
    const std::string model = groq["models"][0]["id"];
    json create{{"engine", "openai"},   {"display_name", "Groq"}, {"api_url", groq["api_url"]}, {"api_key", "gsk-test"},
                {"models", {model, "some-new-model"}}, {"catalog_provider_id", "groq"}};
    r = server.post_json("/config/custom-providers", create.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const json stored = json::parse(server.get("/config/custom-providers/custom_groq").body)["config"];
    CHECK(stored["catalog_provider_id"] == "groq");
    CHECK(stored["models"][0]["context_limit"] == groq["models"][0]["context_limit"]);
    CHECK(stored["models"][1]["context_limit"] == 128000);
}

TEST_CASE("providers without a sign-in flow: oauth says which keys to set, cleanup has nothing to clean")
{
    ServerProcess server;
    auto r = server.request("POST", "/config/providers/openai/oauth");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"].get<std::string>().find("OPENAI_API_KEY") != std::string::npos);
    CHECK(server.request("POST", "/config/providers/nosuch/oauth").status == 404);

    r = server.request("POST", "/config/providers/openai/cleanup");
    CHECK(r.status == 200);
    CHECK(json::parse(r.body).get<std::string>().find("openai") != std::string::npos);
    CHECK(server.request("POST", "/config/providers/nosuch/cleanup").status == 404);
}

TEST_CASE("GET /features needs no secret and lists the feature plugins that loaded")
{
    ServerProcess server;
    auto r = server.request("GET", "/features", "", {}, false);
    REQUIRE(r.status == 200);
    const json features = json::parse(r.body)["features"];
    CHECK(features["local-inference"] == false);
    CHECK(features["code-mode"] == false);
    CHECK(features["scheduler"] == true);
    CHECK(features["dictation"] == true);

    ServerProcess::Options o;
    o.env["GAGGLE_DISABLED_PLUGINS"] = "scheduler";
    ServerProcess without(o);
    CHECK_FALSE(json::parse(without.request("GET", "/features", "", {}, false).body)["features"].contains("scheduler"));
}
