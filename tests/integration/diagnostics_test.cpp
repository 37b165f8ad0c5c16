// GET /diagnostics/{session_id}: the zip a user attaches to a bug report holds the session, the
// system info, the settings and the logs, and never a secret.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"

#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <sstream>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

// Every file of a zip, by name, read with Poco's reader (an independent check of the writer).
std::map<std::string, std::string> unzip(const std::string& bytes)
{
    std::istringstream in(bytes);
    Poco::Zip::ZipArchive archive(in);
    std::map<std::string, std::string> files;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        Poco::Zip::ZipInputStream entry(in, it->second, true);
        files[it->first] = std::string((std::istreambuf_iterator<char>(entry)), std::istreambuf_iterator<char>());
    }
    return files;
}

} // namespace

TEST_CASE("diagnostics: a zip of the session, system info, redacted settings and logs, without any secret")
{
    AgentHarness h(json::array({scripted_text("the pelicans are fine")}));
    const std::string secret = "sk-keyring-SECRET-4242";
    const std::string token = "tok-config-SECRET-1717";
    const std::string env_value = "env-SECRET-9393";
    REQUIRE(h.post("/config/upsert", {{"key", "PELICAN_API_KEY"}, {"value", secret}, {"is_secret", true}}).status == 200);
    REQUIRE(h.post("/config/upsert", {{"key", "SERVICE_TOKEN"}, {"value", token}, {"is_secret", false}}).status == 200);
    REQUIRE(h.post("/config/upsert", {{"key", "GOOSE_TEMPERATURE"}, {"value", 0.25}, {"is_secret", false}}).status == 200);
    json tool{{"type", "stdio"}, {"name", "tool"}, {"description", "x"}, {"cmd", "true"}, {"envs", {{"PLAIN_NAME", env_value}}}};
    REQUIRE(h.post("/config/extensions", {{"name", "tool"}, {"enabled", false}, {"config", tool}}).status == 200);
    const std::string id = h.start_session();
    h.reply_all(id, "how are the pelicans?");

    auto r = h.server().get("/diagnostics/" + id);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/zip");
    CHECK(r.header("content-disposition") == "attachment; filename=\"diagnostics_" + id + ".zip\"");
    const auto files = unzip(r.body);
    REQUIRE(files.count("session.json"));
    REQUIRE(files.count("system.json"));
    REQUIRE(files.count("config.json"));
    REQUIRE(files.count("logs/gaggle.log"));

    const Json session = Json::parse(files.at("session.json"));
    CHECK(session["id"] == id);
    CHECK(session["conversation"].dump().find("the pelicans are fine") != std::string::npos);
    CHECK(Json::parse(files.at("system.json"))["app_version"] == GAGGLE_VERSION);
    const Json config = Json::parse(files.at("config.json"));
    CHECK(config["SERVICE_TOKEN"] == "[redacted]");
    CHECK(config["GOOSE_TEMPERATURE"] == 0.25);
    CHECK(config["extensions"]["tool"]["envs"]["PLAIN_NAME"] == "[redacted]");
    CHECK(config["extensions"]["tool"]["cmd"] == "true");
    CHECK(files.at("logs/gaggle.log").find("listening on") != std::string::npos);

    for (const std::string& hidden : {secret, token, env_value}) {
        CHECK_MESSAGE(r.body.find(hidden) == std::string::npos, hidden);
        for (const auto& [name, content] : files) CHECK_MESSAGE(content.find(hidden) == std::string::npos, (name + " holds " + hidden));
        CHECK_MESSAGE(h.server().all_logs().find(secret) == std::string::npos, "the logs hold the secret");
    }

    CHECK(h.server().get("/diagnostics/20990101_1").status == 404);
    CHECK(h.server().request("GET", "/diagnostics/" + id, "", {}, false).status == 401);
}
