// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in tests/peers)
// drives `gaggle mcp-client` in its `client` mode: for each scenario it starts its own checking
// server, runs our command with the server's URL appended, and judges what our client did. Our
// client is the host's McpClient over the streamable_http plugin, as an HTTP extension uses it.
#include <doctest/doctest.h>

#include "node_peer.hpp"
#include "server_process.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/wait.h>

using namespace gaggle::test;

namespace {

struct Run {
    int exit_code = -1;
    std::string output;
};

Run run(const std::string& command)
{
    Run r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe)) r.output += buffer.data();
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

} // namespace

TEST_CASE("the MCP conformance suite's core client scenarios pass against gaggle mcp-client")
{
    const std::string suite = peer_script("@modelcontextprotocol/conformance/dist/index.js");
    TempDir root; // the client reads config.yaml from here, never from the user's home
    TempDir results;
    // Every core (non-auth) client scenario of the pinned release; auth/* need OAuth, which the
    // client does not do yet.
    const std::vector<std::string> scenarios{"initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"};
    std::string passed, failed;
    for (const auto& scenario : scenarios) {
        CAPTURE(scenario);
        const std::string command = "cd " + quoted(results.path().string()) + " && GOOSE_PATH_ROOT=" + quoted(root.path().string()) +
                                    " node " + quoted(suite) + " client --command " + quoted(GAGGLE_BINARY " mcp-client") +
                                    " --scenario " + scenario + " -o " + quoted(results.path().string());
        const Run r = run(command);
        (r.exit_code == 0 ? passed : failed) += " " + scenario;
        CHECK_MESSAGE(r.exit_code == 0, r.output);
        CHECK(r.output.find("OVERALL: PASSED") != std::string::npos);
    }
    MESSAGE("conformance client scenarios passed:" << (passed.empty() ? " none" : passed)
                                                   << "; failed:" << (failed.empty() ? " none" : failed));
}
