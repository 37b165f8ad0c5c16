#pragma once
// `gaggle mcp-client URL`: the host's own MCP client (McpClient over the streamable_http transport
// plugin, exactly what an HTTP extension uses) driven through one scenario of the official
// conformance suite (@modelcontextprotocol/conformance, `client` mode). The suite starts a scenario
// server, appends its URL to our command line and names the scenario in MCP_CONFORMANCE_SCENARIO.
#include "config/server_settings.hpp"

#include <string>

namespace gaggle::mcp {

// Runs `scenario` against `url`: initialize, initialized, tools/list, then the scenario's action,
// then a clean close (DELETE of the session). Logs go to stderr. Returns the process exit code:
// 0 when every step succeeded, 1 otherwise.
int run_conformance_client(const CommandLineOverrides& flags, const std::string& url, const std::string& scenario);

} // namespace gaggle::mcp
