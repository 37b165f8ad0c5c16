// ExtensionConfig checks, extension keys and the allowlist rule, in-process.
#include <doctest/doctest.h>

#include "common/error.hpp"
#include "mcp/allowlist.hpp"
#include "mcp/extension_config.hpp"

#include <filesystem>
#include <fstream>

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
