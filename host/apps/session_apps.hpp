#pragma once
// The MCP Apps a session's extensions offer: each `ui://` resource a running MCP server lists,
// read and turned into a GooseApp (goose_app.hpp) whose mcpServers names that server. Its
// window comes from the resource's `_meta.window` ({width, height, resizable}), else 800x600,
// resizable, as upstream opens it.
#include "common/json.hpp"

#include <vector>

namespace gaggle {

class Agent;

// Blocks on the servers (a list and one read per app). A server that cannot list or read is
// skipped: its apps are missing, the others still come.
std::vector<Json> session_apps(Agent& agent);

} // namespace gaggle
