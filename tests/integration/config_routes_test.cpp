// /config/* through the real binary: reading, writing and removing keys and secrets, the file
// maintenance routes, their 4xx answers, comment-keeping atomic writes under a storm of upserts
// and under SIGKILL, and no secret value in any response or log line.
#include "server_process.hpp"

#include "common/json.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>

using namespace gaggle::test;
using gaggle::Json;

namespace {


std::filesystem::path config_file(const ServerProcess& s) { return s.root() / "config" / "config.yaml"; }

HttpResult upsert(const ServerProcess& s, const std::string& key, const Json& value, bool secret = false)
{
    return s.post_json("/config/upsert", Json{{"key", key}, {"value", value}, {"is_secret", secret}}.dump());
}

Json read_key(const ServerProcess& s, const std::string& key, bool secret = false)
{
    auto r = s.post_json("/config/read", Json{{"key", key}, {"is_secret", secret}}.dump());
    REQUIRE(r.status == 200);
    return Json::parse(r.body);
}

} // namespace

TEST_CASE("config: upsert, read, GET /config and remove, with upstream's JSON-string bodies")
{
    ServerProcess server;
    auto r = upsert(server, "GOOSE_MODEL", "gpt-4o");
    CHECK(r.status == 200);
    CHECK(r.header("content-type").find("application/json") == 0);
    CHECK(Json::parse(r.body) == "Upserted key GOOSE_MODEL");
    CHECK(upsert(server, "GOOSE_TEMPERATURE", 0.5).status == 200);
    CHECK(upsert(server, "NUMBERISH", "42").status == 200);
    CHECK(upsert(server, "nested", Json{{"a", Json::array({1, "two", true})}}).status == 200);

    CHECK(read_key(server, "GOOSE_MODEL") == "gpt-4o");
    CHECK(read_key(server, "NUMBERISH") == "42"); // a string stays a string through YAML
    CHECK(read_key(server, "GOOSE_TEMPERATURE") == 0.5);
    CHECK(read_key(server, "nested") == Json{{"a", Json::array({1, "two", true})}});
    CHECK(read_key(server, "NOT_THERE").is_null());

    auto all = Json::parse(server.get("/config").body);
    CHECK(all["config"]["GOOSE_MODEL"] == "gpt-4o");
    CHECK(all["config"].size() == 4);

    r = server.post_json("/config/remove", R"({"key":"GOOSE_MODEL","is_secret":false})");
    CHECK(r.status == 200);
    CHECK(Json::parse(r.body) == "Removed key GOOSE_MODEL");
    CHECK(read_key(server, "GOOSE_MODEL").is_null());
    r = server.post_json("/config/remove", R"({"key":"GOOSE_MODEL","is_secret":false})");
    CHECK(r.status == 404);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("GOOSE_MODEL") != std::string::npos);

    // The file on disk is YAML holding exactly what the API says.
    const YAML::Node file = YAML::LoadFile(config_file(server).string());
    CHECK(file["NUMBERISH"].as<std::string>() == "42");
    CHECK_FALSE(file["GOOSE_MODEL"]);
}

TEST_CASE("config: model-limits is the bundled table")
{
    ServerProcess server;
    Json limits = read_key(server, "model-limits");
    REQUIRE(limits.is_array());
    bool found = false;
    for (auto& l : limits)
        if (l["pattern"] == "gpt-4o") found = l["context_limit"] == 128000;
    CHECK(found);
}

TEST_CASE("config: bad bodies are 4xx naming the field")
{
    ServerProcess server;
    auto check = [&](const std::string& path, const std::string& body, int status, const std::string& word) {
        auto r = server.post_json(path, body);
        CHECK_MESSAGE(r.status == status, path << " " << body << " -> " << r.status << " " << r.body);
        if (!word.empty()) CHECK_MESSAGE(r.body.find(word) != std::string::npos, r.body);
    };
    check("/config/read", R"({"is_secret":false})", 422, "key");
    check("/config/read", R"({"key":"A"})", 422, "is_secret");
    check("/config/read", R"({"key":5,"is_secret":false})", 422, "key");
    check("/config/read", R"({"key":"","is_secret":false})", 400, "key");
    check("/config/upsert", R"({"key":"A","is_secret":false})", 422, "value");
    check("/config/upsert", R"({"key":"A\nB","value":1,"is_secret":false})", 400, "key");
    check("/config/upsert", R"([1,2])", 422, "object");
    check("/config/upsert", R"({"key":)", 400, "");
    check("/config/remove", R"({"key":"nope","is_secret":true})", 404, "nope");
    auto r = server.request("POST", "/config/upsert", R"({"key":"A","value":1,"is_secret":false})", {{"Content-Type", "text/plain"}});
    CHECK(r.status == 415);
    r = server.request("POST", "/config/upsert", R"({"key":"A","value":1,"is_secret":false})", {{"Content-Type", "application/json"}}, false);
    CHECK(r.status == 401);
}

TEST_CASE("config: writes keep comments and keys the server does not manage, and rotate backups")
{
    TempDir root;
    std::filesystem::create_directories(root.path() / "config");
    const std::string original = "# my settings\nGOOSE_PROVIDER: openai # inline note\n\n# extensions below\nextensions:\n"
                                 "  developer:\n    enabled: true   # keep\n    type: builtin\ncustom_thing: [1, 2]\n";
    std::ofstream(root.path() / "config" / "config.yaml") << original;
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    CHECK(upsert(server, "GOOSE_MODEL", "gpt-4o").status == 200);
    CHECK(upsert(server, "GOOSE_PROVIDER", "anthropic").status == 200);
    const std::string text = read_text_file(config_file(server));
    CHECK(text.find("# my settings") != std::string::npos);
    CHECK(text.find("# extensions below") != std::string::npos);
    CHECK(text.find("enabled: true   # keep") != std::string::npos);
    CHECK(text.find("custom_thing: [1, 2]") != std::string::npos);
    CHECK(read_key(server, "GOOSE_PROVIDER") == "anthropic");
    CHECK(read_key(server, "extensions")["developer"]["type"] == "builtin");
    // Two writes: .bak holds the state before the last one, .bak.1 the original.
    CHECK(read_text_file(root.path() / "config" / "config.yaml.bak.1") == original);
    CHECK(read_text_file(root.path() / "config" / "config.yaml.bak").find("GOOSE_MODEL") != std::string::npos);
    CHECK(Json::parse(server.post_json("/config/backup", "").body).get<std::string>().find("config.yaml.bak") != std::string::npos);
}

TEST_CASE("config: a file another process changed is re-read, not overwritten with stale state")
{
    ServerProcess server;
    CHECK(upsert(server, "A", 1).status == 200);
    {
        std::ofstream out(config_file(server).string() + ".new");
        out << "A: 1\nWRITTEN_BY_HAND: yes\n";
    }
    std::filesystem::rename(config_file(server).string() + ".new", config_file(server));
    CHECK(read_key(server, "WRITTEN_BY_HAND") == "yes");
    CHECK(upsert(server, "B", 2).status == 200);
    const YAML::Node file = YAML::LoadFile(config_file(server).string());
    CHECK(file["WRITTEN_BY_HAND"].as<std::string>() == "yes");
    CHECK(file["B"].as<int>() == 2);
}

TEST_CASE("config: a storm of concurrent upserts leaves a valid file holding every key")
{
    ServerProcess server;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 12; ++i)
                if (upsert(server, "K_" + std::to_string(t) + "_" + std::to_string(i), t * 100 + i).status == 200) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 96);
    const YAML::Node file = YAML::LoadFile(config_file(server).string());
    for (int t = 0; t < 8; ++t)
        for (int i = 0; i < 12; ++i) CHECK(file["K_" + std::to_string(t) + "_" + std::to_string(i)].as<int>() == t * 100 + i);
}

TEST_CASE("config: SIGKILL during a stream of upserts leaves config.yaml parseable with every acknowledged key")
{
    ServerProcess server;
    std::atomic<int> acknowledged{0};
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; !stop; ++i) {
            try {
                if (upsert(server, "KEY_" + std::to_string(i), std::string(200, 'x') + std::to_string(i)).status != 200) break;
            } catch (const std::exception&) {
                break;
            }
            acknowledged = i + 1;
        }
    });
    while (acknowledged < 25) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    server.stop(SIGKILL);
    stop = true;
    writer.join();
    const YAML::Node file = YAML::LoadFile(config_file(server).string()); // throws if torn
    for (int i = 0; i < acknowledged; ++i) CHECK(file["KEY_" + std::to_string(i)]);
}

TEST_CASE("config: validate, recover and init")
{
    TempDir root;
    std::filesystem::create_directories(root.path() / "config");
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    auto r = server.get("/config/validate");
    CHECK(r.status == 200);
    CHECK(Json::parse(server.post_json("/config/init", "").body) == "No init-config.yaml found, using default configuration");
    CHECK(upsert(server, "GOOSE_PROVIDER", "openai").status == 200);
    CHECK(upsert(server, "GOOSE_MODEL", "gpt-4o").status == 200);
    CHECK(Json::parse(server.post_json("/config/init", "").body) == "Config already exists");

    std::ofstream(config_file(server)) << "GOOSE_PROVIDER: [unclosed\n";
    r = server.get("/config/validate");
    CHECK(r.status == 422);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("line") != std::string::npos);
    // A broken file is not overwritten by a write; recover restores the newest readable backup.
    r = upsert(server, "X", 1);
    CHECK(r.status == 409);
    r = server.post_json("/config/recover", "");
    CHECK(r.status == 200);
    CHECK(Json::parse(r.body).get<std::string>().find("Recovered") != std::string::npos);
    CHECK(read_key(server, "GOOSE_PROVIDER") == "openai");
    CHECK(read_text_file(root.path() / "config" / "config.yaml.corrupted") == "GOOSE_PROVIDER: [unclosed\n");
    CHECK(server.get("/config/validate").status == 200);
}

TEST_CASE("secrets (file store): secrets.yaml is 0600, values never in a response or a log line")
{
    const std::string secret = "sk-gaggle-SECRET-value-9f8e7d";
    ServerProcess::Options o;
    o.env["GOOSE_LOG_LEVEL"] = "debug";
    ServerProcess server(o);
    std::string responses;
    auto r = upsert(server, "OPENAI_API_KEY", secret, true);
    responses += r.body;
    CHECK(r.status == 200);
    r = server.post_json("/config/read", R"({"key":"OPENAI_API_KEY","is_secret":true})");
    responses += r.body;
    CHECK(Json::parse(r.body) == true);
    r = server.post_json("/config/read", R"({"key":"OPENAI_API_KEY","is_secret":false})");
    responses += r.body;
    CHECK(Json::parse(r.body).is_null()); // not in config.yaml
    responses += server.get("/config").body;
    responses += server.get("/config/providers").body;

    const auto secrets_file = server.root() / "config" / "secrets.yaml";
    struct stat st {};
    REQUIRE(stat(secrets_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(YAML::LoadFile(secrets_file.string())["OPENAI_API_KEY"].as<std::string>() == secret);
    CHECK(read_text_file(config_file(server)).find(secret) == std::string::npos);

    r = server.post_json("/config/remove", R"({"key":"OPENAI_API_KEY","is_secret":true})");
    responses += r.body;
    CHECK(r.status == 200);
    CHECK(Json::parse(server.post_json("/config/read", R"({"key":"OPENAI_API_KEY","is_secret":true})").body) == false);
    CHECK(responses.find(secret) == std::string::npos);
    CHECK(server.all_logs().find(secret) == std::string::npos);
}

TEST_CASE("secrets: the environment overrides the store")
{
    ServerProcess::Options o;
    o.env["ANTHROPIC_API_KEY"] = "from-env";
    ServerProcess server(o);
    CHECK(Json::parse(server.post_json("/config/read", R"({"key":"ANTHROPIC_API_KEY","is_secret":true})").body) == true);
}
