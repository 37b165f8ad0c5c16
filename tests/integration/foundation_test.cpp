// The foundation through the real binary: start-up, auth in its three client styles, CORS,
// routing errors, OpenAPI, config handling, plugins mounted behind auth, and shutdown.
#include "server_process.hpp"

#include "common/json.hpp"

#include <doctest/doctest.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>

using namespace gaggle::test;
using gaggle::Json;

namespace {

struct CommandResult {
    int status;
    std::string output;
};

CommandResult run_command(const std::string& command)
{
    CommandResult r{-1, {}};
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
    const int st = pclose(pipe);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string plugin_path()
{
    std::string p = GAGGLE_TEST_FEATURE_DIR;
    p.append(":").append(GAGGLE_TEST_ABI_DIR).append("/good");
    return p;
}

} // namespace

TEST_CASE("GET /status answers ok without a secret")
{
    ServerProcess server;
    auto r = server.request("GET", "/status", "", {}, false);
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    CHECK(r.header("content-type").find("text/plain") == 0);
}

TEST_CASE("auth: the secret works as X-Secret-Key, Bearer or x-api-key; anything else is 401")
{
    ServerProcess server;
    const std::string s = server.secret();
    CHECK(server.request("GET", "/system_info", "", {{"X-Secret-Key", s}}).status == 200);
    CHECK(server.request("GET", "/system_info", "", {{"Authorization", "Bearer " + s}}).status == 200);
    CHECK(server.request("GET", "/system_info", "", {{"x-api-key", s}}).status == 200);

    for (auto headers : std::vector<std::map<std::string, std::string>>{
             {}, {{"X-Secret-Key", s + "x"}}, {{"X-Secret-Key", ""}}, {{"Authorization", "Basic " + s}},
             {{"Authorization", "Bearer"}}, {{"x-api-key", "test"}}}) {
        auto r = server.request("GET", "/system_info", "", headers, false);
        CHECK(r.status == 401);
        CHECK(Json::parse(r.body) == Json{{"message", "Unauthorized"}});
    }
    // Unknown routes do not reveal themselves to a caller without the secret.
    CHECK(server.request("GET", "/no/such/route", "", {}, false).status == 401);
    CHECK(server.alive());
}

TEST_CASE("routing errors: 404 and 405 with Allow, as JSON messages")
{
    ServerProcess server;
    auto nf = server.get("/no/such/route");
    CHECK(nf.status == 404);
    CHECK(Json::parse(nf.body)["message"].get<std::string>().find("/no/such/route") != std::string::npos);

    auto wrong = server.request("POST", "/system_info", "{}", {{"Content-Type", "application/json"}});
    CHECK(wrong.status == 405);
    CHECK(wrong.header("allow") == "GET");
    CHECK(Json::parse(wrong.body).contains("message"));

    auto malformed = server.get("/%zz");
    CHECK(malformed.status == 400);
    CHECK(server.alive());
}

TEST_CASE("GET /system_info reports version, platform, provider and enabled extensions")
{
    TempDir root;
    std::filesystem::create_directories(root.path() / "config");
    std::ofstream(root.path() / "config" / "config.yaml")
        << "GOOSE_PROVIDER: openai\nGOOSE_MODEL: gpt-4o\nextensions:\n  developer:\n    enabled: true\n"
           "    name: developer\n    type: builtin\n  memory:\n    enabled: false\n    name: memory\n";
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    auto info = Json::parse(server.get("/system_info").body);
    CHECK(info["app_version"] == GAGGLE_VERSION);
    CHECK(info["os"] == "Linux");
    CHECK_FALSE(info["architecture"].get<std::string>().empty());
    CHECK_FALSE(info["os_version"].get<std::string>().empty());
    CHECK(info["provider"] == "openai");
    CHECK(info["model"] == "gpt-4o");
    // config.yaml's enabled entries, then the bundled ones on by default that it does not name.
    CHECK(info["enabled_extensions"] == Json::array({"developer", "todo", "extensionmanager"}));
}

TEST_CASE("CORS pre-flights are answered before auth; origins can be restricted")
{
    SUBCASE("any origin by default")
    {
        ServerProcess server;
        auto r = server.request("OPTIONS", "/system_info", "",
                                {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "GET"},
                                 {"Access-Control-Request-Headers", "x-secret-key,content-type"}},
                                false);
        CHECK(r.status == 204);
        CHECK(r.header("access-control-allow-origin") == "*");
        CHECK(r.header("access-control-allow-headers") == "x-secret-key,content-type");
        auto g = server.request("GET", "/system_info", "", {{"Origin", "http://localhost:5173"}});
        CHECK(g.header("access-control-allow-origin") == "*");
    }
    SUBCASE("a configured list")
    {
        ServerProcess::Options o;
        o.env["GAGGLE_CORS_ORIGINS"] = "https://app.example";
        ServerProcess server(o);
        auto ok = server.request("OPTIONS", "/sessions", "",
                                 {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}}, false);
        CHECK(ok.status == 204);
        CHECK(ok.header("access-control-allow-origin") == "https://app.example");
        auto no = server.request("OPTIONS", "/sessions", "",
                                 {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}, false);
        CHECK(no.status == 403);
        CHECK(no.header("access-control-allow-origin").empty());
    }
}

TEST_CASE("GET /openapi.json is public and describes exactly the routes served")
{
    ServerProcess::Options o;
    o.env["GAGGLE_PLUGIN_PATH"] = plugin_path();
    ServerProcess server(o);
    auto r = server.request("GET", "/openapi.json", "", {}, false);
    REQUIRE(r.status == 200);
    auto doc = Json::parse(r.body);
    CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
    CHECK(doc["paths"].contains("/status"));
    CHECK(doc["paths"]["/system_info"].contains("get"));
    CHECK(doc["paths"].contains("/hello/{name}")); // a feature plugin's route is listed too
    CHECK(doc["paths"].contains("/c-hello"));
    CHECK(doc["components"]["schemas"].contains("SystemInfo"));
    // Every documented operation answers something other than 404/405 (auth passes with the secret).
    for (auto& [path, item] : doc["paths"].items()) {
        for (auto& [method, op] : item.items()) {
            std::string concrete = path;
            for (size_t b; (b = concrete.find('{')) != std::string::npos;)
                concrete.replace(b, concrete.find('}', b) - b + 1, "x");
            std::string upper = method;
            for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            auto res = server.request(upper, concrete, "", {});
            INFO(upper << " " << concrete << " -> " << res.status);
            CHECK(res.status != 405);
            if (res.status == 404) CHECK(Json::parse(res.body)["message"].get<std::string>().rfind("Not found:", 0) != 0);
        }
    }
}

TEST_CASE("every built-in route is documented with an operation of its own")
{
    ServerProcess server;
    auto doc = Json::parse(server.request("GET", "/openapi.json", "", {}, false).body);
    int operations = 0;
    for (auto& [path, item] : doc["paths"].items())
        for (auto& [method, op] : item.items()) {
            INFO(method << " " << path);
            CHECK(op.contains("operationId"));
            ++operations;
        }
    CHECK(operations >= 30); // every route this build registers (32 today)
    CHECK(doc["paths"]["/sessions"].contains("get"));
    CHECK(doc["paths"]["/sessions"].contains("post"));
    CHECK(doc["paths"].contains("/reply"));
    CHECK(doc["paths"].contains("/sessions/{session_id}/events"));
    CHECK(doc["components"]["schemas"].contains("Message"));
}

TEST_CASE("feature plugins are mounted behind the same auth")
{
    ServerProcess::Options o;
    o.env["GAGGLE_PLUGIN_PATH"] = plugin_path();
    ServerProcess server(o);
    CHECK(server.request("GET", "/c-hello", "", {}, false).status == 401);
    auto r = server.get("/c-hello");
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(Json::parse(r.body) == Json{{"from", "c"}, {"user", "default"}});
    CHECK(server.request("POST", "/c-hello", "{}", {{"Content-Type", "application/json"}}).status == 405);
}

TEST_CASE("a broken config.yaml is reported with its line; the server runs on defaults and leaves the file")
{
    TempDir root;
    std::filesystem::create_directories(root.path() / "config");
    const std::string broken = "GOOSE_PROVIDER: openai\nGOOSE_MODEL: [oops\n";
    std::ofstream(root.path() / "config" / "config.yaml") << broken;
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);
    CHECK(server.get("/status").status == 200);
    CHECK(Json::parse(server.get("/system_info").body)["provider"].is_null());
    const std::string log = server.stderr_text();
    CHECK(log.find("config.yaml line") != std::string::npos);
    std::ifstream in(root.path() / "config" / "config.yaml");
    CHECK(std::string((std::istreambuf_iterator<char>(in)), {}) == broken);
}

TEST_CASE("without a configured secret the server generates and logs a random one")
{
    ServerProcess::Options o;
    o.secret = "";
    o.wait_ready = true;
    ServerProcess server(o);
    CHECK(server.request("GET", "/system_info", "", {{"X-Secret-Key", "test"}}).status == 401);
    const std::string log = server.stderr_text();
    const auto at = log.find("generated one for this run: ");
    REQUIRE(at != std::string::npos);
    const std::string secret = log.substr(at + 28, 64);
    CHECK(server.request("GET", "/system_info", "", {{"X-Secret-Key", secret}}).status == 200);
}

TEST_CASE("flags beat the environment; seed-era names work")
{
    ServerProcess::Options o;
    o.port_as_flag = true; // GOOSE_PORT names another port; the server must listen on the flag's
    ServerProcess server(o);
    CHECK(server.get("/system_info").status == 200);

    ServerProcess::Options s;
    s.secret = "";
    s.env = {{"GOOSE_API_KEY", "seed-key"}};
    ServerProcess seed(s);
    CHECK(seed.request("GET", "/system_info", "", {{"x-api-key", "seed-key"}}).status == 200);
    CHECK(seed.stderr_text().find("generated one") == std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT shut down gracefully with status 0")
{
    for (int sig : {SIGTERM, SIGINT}) {
        ServerProcess server;
        CHECK(server.stop(sig) == 0);
        CHECK(server.stderr_text().find("shutting down") != std::string::npos);
    }
}

TEST_CASE("command line: --version, plugins list, plugins inspect, bad usage")
{
    const std::string bin = GAGGLE_BINARY;
    auto v = run_command(bin + " --version");
    CHECK(v.status == 0);
    CHECK(v.output.find(std::string("gaggle ") + GAGGLE_VERSION) == 0);
    CHECK(v.output.find("plugin ABI 1.1.0") != std::string::npos);

    std::string abi = GAGGLE_TEST_ABI_DIR;
    auto list = run_command("GOOSE_PATH_ROOT=/tmp/gaggle-cli-test GAGGLE_PLUGIN_PATH=" + abi + "/good:" + abi +
                            "/other_major:" + abi + "/failing_create " + bin + " plugins list");
    CHECK(list.status == 0);
    CHECK(list.output.find("loaded  echo 1.0.0  kinds=provider  interfaces=gaggle.provider/1") != std::string::npos);
    CHECK(list.output.find("loaded  c-feature") != std::string::npos);
    CHECK(list.output.find("reason: built for ABI major 2") != std::string::npos);
    CHECK(list.output.find("reason: create failed") != std::string::npos);

    auto good = run_command(bin + " plugins inspect " + abi + "/good/c_feature.so");
    CHECK(good.status == 0);
    CHECK(good.output.find("c-feature") != std::string::npos);
    // It says what it does: the library is loaded, so its static constructors run.
    CHECK(good.output.find("its static constructors run; create() is not called") != std::string::npos);
    auto bad = run_command(bin + " plugins inspect " + abi + "/no_entry/no_entry.so");
    CHECK(bad.status == 1);
    CHECK(bad.output.find("no gaggle_plugin_entry_v1 symbol") != std::string::npos);

    CHECK(run_command(bin).status == 2);
    CHECK(run_command(bin + " frobnicate").status == 2);
    CHECK(run_command(bin + " --port").status == 2);
    auto port = run_command("GOOSE_PATH_ROOT=/tmp/gaggle-cli-test " + bin + " --port banana agent");
    CHECK(port.status == 1);
    CHECK(port.output.find("port must be a number") != std::string::npos);
}

TEST_CASE("the goosed name beside the binary runs the same server")
{
    const std::string goosed = std::filesystem::path(GAGGLE_BINARY).parent_path() / "goosed";
    REQUIRE(std::filesystem::exists(goosed));
    auto v = run_command(goosed + " --version");
    CHECK(v.output.find("gaggle ") == 0);
}
