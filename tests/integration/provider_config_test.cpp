// Provider configuration through the real binary and the scripted provider (real wire formats):
// check_provider and set_provider probe the upstream, model listing maps upstream failures to
// 502/400, detect-provider, canonical model info, custom providers CRUD, and a malformed custom
// provider file that costs only itself.
#include "agent_harness.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>

using namespace gaggle::test;
using gaggle::Json;

namespace {

const Json models_body{{"body", {{"object", "list"}, {"data", Json::array({Json{{"id", "gpt-4o"}, {"object", "model"}}, Json{{"id", "gpt-4o-mini"}, {"object", "model"}}})}}}};

Json error_status(int status, const std::string& message)
{
    return Json{{"status", status}, {"error", {{"message", message}, {"type", "api_error"}}}};
}

} // namespace

TEST_CASE("providers: check_provider and set_provider probe the upstream; failures are 400 with its message")
{
    AgentHarness h(Json::array({models_body, error_status(401, "Incorrect API key provided"), models_body}));
    auto r = h.post("/config/check_provider", Json{{"provider", "openai"}});
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    r = h.post("/config/check_provider", Json{{"provider", "openai"}});
    CHECK(r.status == 400);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("Incorrect API key") != std::string::npos);
    CHECK(h.post("/config/check_provider", Json{{"provider", "nope"}}).status == 400);
    CHECK(h.post("/config/check_provider", Json::object()).status == 422);

    r = h.post("/config/set_provider", Json{{"provider", "openai"}, {"model", "gpt-4o-mini"}});
    CHECK(r.status == 200);
    const YAML::Node file = YAML::LoadFile((h.server().root() / "config" / "config.yaml").string());
    CHECK(file["GOOSE_PROVIDER"].as<std::string>() == "openai");
    CHECK(file["GOOSE_MODEL"].as<std::string>() == "gpt-4o-mini");
    CHECK(h.post("/config/set_provider", Json{{"provider", "openai"}}).status == 422);
    CHECK(h.provider().requests().size() == 3);
    CHECK(h.provider().requests().at(0).path == "/v1/models");
}

TEST_CASE("providers: model listing maps an upstream failure to 502 with the provider's message, bad credentials to 400")
{
    AgentHarness h(Json::array({models_body, error_status(503, "upstream overloaded"), error_status(401, "bad key")}));
    auto r = h.server().get("/config/providers/openai/models");
    CHECK(r.status == 200);
    CHECK(Json::parse(r.body) == Json::array({"gpt-4o", "gpt-4o-mini"}));
    r = h.server().get("/config/providers/openai/models");
    CHECK(r.status == 502);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("upstream overloaded") != std::string::npos);
    r = h.server().get("/config/providers/openai/models");
    CHECK(r.status == 400);
}

TEST_CASE("providers: detect-provider finds the provider that accepts a key, 404 when none does")
{
    AgentHarness h(Json::array({error_status(401, "no"), models_body, error_status(401, "no"), error_status(401, "no")}),
                   {{"OPENAI_API_KEY", ""}, {"ANTHROPIC_API_KEY", ""}});
    auto r = h.post("/config/detect-provider", Json{{"api_key", "sk-detect-me"}});
    REQUIRE(r.status == 200);
    const Json found = Json::parse(r.body);
    CHECK(found["models"] == Json::array({"gpt-4o", "gpt-4o-mini"}));
    const auto second = h.provider().requests().at(1);
    const bool bearer = second.header("Authorization") == "Bearer sk-detect-me";
    CHECK((bearer ? found["provider_name"] == "openai" : (found["provider_name"] == "anthropic" && second.header("x-api-key") == "sk-detect-me")));
    r = h.post("/config/detect-provider", Json{{"api_key", "sk-nobody"}});
    CHECK(r.status == 404);
    CHECK(h.post("/config/detect-provider", Json{{"api_key", ""}}).status == 400);
    CHECK(r.body.find("sk-nobody") == std::string::npos);
}

TEST_CASE("providers: canonical model info from the bundled table")
{
    ServerProcess server;
    auto r = server.post_json("/config/canonical-model-info", R"({"provider":"anthropic","model":"claude-sonnet-4-5-20250929"})");
    REQUIRE(r.status == 200);
    Json info = Json::parse(r.body);
    CHECK(info["source"] == "canonical");
    CHECK(info["model_info"]["context_limit"] == 200000);
    CHECK(info["model_info"]["input_token_cost"].get<double>() == doctest::Approx(3e-6));
    CHECK(info["model_info"]["currency"] == "$");
    info = Json::parse(server.post_json("/config/canonical-model-info", R"({"provider":"x","model":"unknown-model"})").body);
    CHECK(info["model_info"].is_null());
    CHECK(server.post_json("/config/canonical-model-info", R"({"provider":"x"})").status == 422);
}

TEST_CASE("providers: custom providers are created, read, updated, used and deleted")
{
    AgentHarness h(Json::array({models_body}));
    const std::string key = "sk-custom-SECRET-777";
    Json create{{"engine", "openai"},      {"display_name", "My Local LLM"}, {"api_url", h.provider().base_url()},
                {"api_key", key},          {"models", Json::array({"llama-3"})}, {"supports_streaming", true}};
    auto r = h.post("/config/custom-providers", create);
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body)["provider_name"] == "custom_my_local_llm");
    CHECK(h.post("/config/custom-providers", create).status == 409);
    CHECK(std::filesystem::exists(h.server().root() / "config" / "custom_providers" / "custom_my_local_llm.json"));

    r = h.server().get("/config/custom-providers/custom_my_local_llm");
    REQUIRE(r.status == 200);
    Json loaded = Json::parse(r.body);
    CHECK(loaded["is_editable"] == true);
    CHECK(loaded["config"]["base_url"] == h.provider().base_url());
    CHECK(loaded["config"]["api_key_env"] == "CUSTOM_MY_LOCAL_LLM_API_KEY");
    CHECK(r.body.find(key) == std::string::npos);

    const Json providers = Json::parse(h.server().get("/config/providers").body);
    bool listed = false;
    for (const auto& p : providers)
        if (p["name"] == "custom_my_local_llm") listed = p["provider_type"] == "Declarative" && p["is_configured"] == true;
    CHECK(listed);
    // The provider is usable: listing its models goes to its base URL with its key.
    r = h.server().get("/config/providers/custom_my_local_llm/models");
    CHECK(r.status == 200);
    CHECK(h.provider().requests().back().header("Authorization") == "Bearer " + key);

    create["models"] = Json::array({"llama-3", "qwen"});
    r = h.server().request("PUT", "/config/custom-providers/custom_my_local_llm", create.dump(), {{"Content-Type", "application/json"}});
    CHECK(r.status == 200);
    loaded = Json::parse(h.server().get("/config/custom-providers/custom_my_local_llm").body);
    CHECK(loaded["config"]["models"].size() == 2);
    CHECK(h.server().request("PUT", "/config/custom-providers/nope", create.dump(), {{"Content-Type", "application/json"}}).status == 404);
    create["display_name"] = "Another local LLM"; // a new name, so the URL is what is refused
    create["api_url"] = "ftp://x";
    CHECK(h.post("/config/custom-providers", create).status == 400);

    CHECK(h.server().request("DELETE", "/config/custom-providers/custom_my_local_llm").status == 200);
    CHECK(h.server().get("/config/custom-providers/custom_my_local_llm").status == 404);
    CHECK(h.server().request("DELETE", "/config/custom-providers/custom_my_local_llm").status == 404);
    CHECK(h.server().request("DELETE", "/config/custom-providers/openai").status == 404);
}

TEST_CASE("providers: one malformed custom provider file is refused with one log line; the server starts")
{
    TempDir root;
    const auto dir = root.path() / "config" / "custom_providers";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bad_name.json") << R"({"name": 42, "engine": "openai", "base_url": "http://x"})";
    std::ofstream(dir / "bad_models.json") << R"({"name": "bad_models", "engine": "openai", "models": [{"name": 1}]})";
    std::ofstream(dir / "not_json.json") << "{";
    std::ofstream(dir / "good.json") << R"({"name": "good", "engine": "openai", "base_url": "http://127.0.0.1:9", "models": ["m1"]})";
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    const Json providers = Json::parse(server.get("/config/providers").body);
    std::set<std::string> names;
    for (const auto& p : providers) names.insert(p["name"].get<std::string>());
    CHECK(names.count("good") == 1);
    CHECK(names.count("bad_models") == 0);
    const std::string log = server.stderr_text();
    for (const char* file : {"bad_name.json", "bad_models.json", "not_json.json"}) {
        size_t count = 0;
        for (size_t at = log.find(file); at != std::string::npos; at = log.find(file, at + 1)) ++count;
        CHECK_MESSAGE(count == 1, file);
    }
}

TEST_CASE("permissions: POST /config/permissions is per user; 4xx for bad entries")
{
    TempDir root;
    std::filesystem::create_directories(root.path() / "config");
    // A second user, alice, with her own key (the SHA-256 of "alice-key").
    std::ofstream(root.path() / "config" / "config.yaml") << "GAGGLE_USERS:\n  alice: 72ee9d4355ccb9d3a4c9dbf37382e38e75c1b1a225b5bd1f729ee91bbda30c20\n";
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    auto r = server.post_json("/config/permissions", R"({"tool_permissions":[{"tool_name":"developer__shell","permission":"always_allow"}]})");
    CHECK(r.status == 200);
    CHECK(Json::parse(r.body) == "Permissions updated");
    r = server.request("POST", "/config/permissions", R"({"tool_permissions":[{"tool_name":"developer__shell","permission":"never_allow"}]})",
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer alice-key"}});
    CHECK(r.status == 200);
    const YAML::Node mine = YAML::LoadFile((root.path() / "config" / "permission.yaml").string());
    CHECK(mine["user"]["always_allow"][0].as<std::string>() == "developer__shell");
    CHECK(mine["user"]["never_allow"].size() == 0);
    const YAML::Node alices = YAML::LoadFile((root.path() / "config" / "permissions" / "alice.yaml").string());
    CHECK(alices["user"]["never_allow"][0].as<std::string>() == "developer__shell");
    CHECK(alices["user"]["always_allow"].size() == 0);

    CHECK(server.post_json("/config/permissions", R"({"tool_permissions":[{"tool_name":"a","permission":"sometimes"}]})").status == 422);
    CHECK(server.post_json("/config/permissions", R"({"tool_permissions":[{"permission":"ask_before"}]})").status == 422);
    CHECK(server.post_json("/config/permissions", R"({"tool_permissions":[{"tool_name":"","permission":"ask_before"}]})").status == 400);
    CHECK(server.post_json("/config/permissions", R"({})").status == 422);
}
