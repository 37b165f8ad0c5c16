// ExtensionConfig checks, extension keys and the allowlist rule (from a file or a local HTTP
// server), in-process.
#include <doctest/doctest.h>

#include "common/error.hpp"
#include "mcp/allowlist.hpp"
#include "mcp/extension_config.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>

#include <unistd.h>

using gaggle::Json;
using namespace gaggle::mcp;

namespace {

std::string message_of(const Json& config)
{
    try {
        parse_extension_config(config);
    } catch (const gaggle::Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("extension keys are normalised names")
{
    CHECK(extension_key("Everything") == "everything");
    CHECK(extension_key(" My  Server ") == "myserver");
    CHECK(extension_key("a.b/c") == "a_b_c");
}

TEST_CASE("a malformed ExtensionConfig names the field")
{
    CHECK(message_of(Json::array()).find("`config`") != std::string::npos);
    CHECK(message_of(Json{{"name", "x"}}).find("config.type") != std::string::npos);
    CHECK(message_of(Json{{"type", "stdio"}}).find("config.name") != std::string::npos);
    CHECK(message_of(Json{{"type", "stdio"}, {"name", "x"}}).find("config.cmd") != std::string::npos);
    CHECK(message_of(Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "node"}, {"args", "a b"}}).find("config.args") != std::string::npos);
    CHECK(message_of(Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "node"}, {"timeout", -1}}).find("config.timeout") != std::string::npos);
    CHECK(message_of(Json{{"type", "streamable_http"}, {"name", "x"}, {"uri", "ftp://x"}}).find("config.uri") != std::string::npos);
    CHECK(message_of(Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "node"}, {"envs", {{"A", 1}}}}).find("config.envs.A") != std::string::npos);
    const ExtensionSpec ok = parse_extension_config(Json{{"type", "stdio"}, {"name", "My Ext"}, {"cmd", "node"}, {"timeout", 5},
                                                         {"available_tools", {"echo"}}});
    CHECK(ok.key == "myext");
    CHECK(ok.timeout == std::chrono::seconds(5));
    CHECK(ok.available_tools == std::vector<std::string>{"echo"});
}

TEST_CASE("env names that change what runs are refused")
{
    for (const char* name : {"PATH", "LD_PRELOAD", "ld_library_path", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "NODE_OPTIONS", "PYTHONPATH"}) {
        CAPTURE(name);
        CHECK(dangerous_env_name(name));
        try {
            parse_extension_config(Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "node"}, {"envs", {{name, "v"}}}});
            FAIL("accepted");
        } catch (const gaggle::Error& e) {
            CHECK(e.kind() == gaggle::ErrorKind::invalid_argument);
        }
    }
    CHECK(!dangerous_env_name("MEMORY_FILE_PATH"));
    CHECK(!dangerous_env_name("GITHUB_TOKEN"));
}

TEST_CASE("the allowlist admits exactly the listed command lines")
{
    const auto file = std::filesystem::temp_directory_path() / ("gaggle-allowlist-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "extensions:\n  - id: a\n    command: npx -y @modelcontextprotocol/server-everything\n  - id: b\n    command: /usr/bin/uvx mcp-server-fetch\n";
    const std::optional<std::string> list = file.string();
    CHECK(!allowlist_refusal(std::nullopt, "anything", {}));
    CHECK(!allowlist_refusal(list, "npx", {"-y", "@modelcontextprotocol/server-everything"}));
    CHECK(!allowlist_refusal(list, "/usr/local/bin/npx", {"-y", "@modelcontextprotocol/server-everything"}));
    CHECK(!allowlist_refusal(list, "uvx", {"mcp-server-fetch"}));
    CHECK(allowlist_refusal(list, "npx", {"-y", "@modelcontextprotocol/server-everything", "--inject"}));
    CHECK(allowlist_refusal(list, "npx", {"-y"}));
    CHECK(allowlist_refusal(list, "sh", {"-c", "npx -y @modelcontextprotocol/server-everything"}));
    CHECK(allowlist_refusal(std::optional<std::string>("/nonexistent/allow.yaml"), "npx", {}));
    std::filesystem::remove(file);
}

namespace {

// Serves /allow.yaml (the list), /huge.yaml (over 1 MiB) and 404 for anything else, counting fetches.
class AllowlistServer {
public:
    explicit AllowlistServer(std::string list) : list_(std::move(list))
    {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(2);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)), params);
        server_->start();
    }
    ~AllowlistServer() { server_->stopAll(true); }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_->port()) + path; }
    int fetches() const { return fetches_; }

private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(AllowlistServer& s) : server(s) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override
        {
            ++server.fetches_;
            std::string body;
            if (req.getURI() == "/allow.yaml") body = server.list_;
            else if (req.getURI() == "/huge.yaml") body = "extensions: []\n# " + std::string(2 * 1024 * 1024, 'x') + "\n";
            else res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            res.setContentLength(static_cast<std::streamsize>(body.size()));
            res.send() << body;
        }
        AllowlistServer& server;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(AllowlistServer& s) : server(s) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(server); }
        AllowlistServer& server;
    };
    std::string list_;
    std::atomic<int> fetches_{0};
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

} // namespace

TEST_CASE("an allowlist served over HTTP is fetched, kept for a while, and allows nothing when it cannot be had")
{
    AllowlistServer server("extensions:\n  - id: a\n    command: npx -y @modelcontextprotocol/server-everything\n");
    const std::optional<std::string> list = server.url("/allow.yaml");
    CHECK(!allowlist_refusal(list, "npx", {"-y", "@modelcontextprotocol/server-everything"}));
    const auto refused = allowlist_refusal(list, "sh", {"-c", "true"});
    REQUIRE(refused);
    CHECK(refused->find("not in the extension allowlist") != std::string::npos);
    CHECK(server.fetches() == 1); // the second check used the copy fetched by the first

    const auto missing = allowlist_refusal(std::optional<std::string>(server.url("/gone.yaml")), "npx", {"-y", "@modelcontextprotocol/server-everything"});
    REQUIRE(missing);
    CHECK(missing->find("404") != std::string::npos);
    const auto huge = allowlist_refusal(std::optional<std::string>(server.url("/huge.yaml")), "npx", {});
    REQUIRE(huge);
    CHECK(huge->find("1 MiB") != std::string::npos);
    const auto unreachable = allowlist_refusal(std::optional<std::string>("http://127.0.0.1:1/allow.yaml"), "npx", {});
    REQUIRE(unreachable);
    CHECK(unreachable->find("cannot be read") != std::string::npos);
}

