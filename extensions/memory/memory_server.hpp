#pragma once
// The builtin `memory` MCP server: remember, retrieve and remove memories by category, global
// (the user's goose config folder) or local (.goose/memory in the working directory), with the
// tool and argument names of upstream goose's memory extension.
#include "common/mcp_server.hpp"

#include <memory>

namespace gaggle::memory {

std::unique_ptr<mcp_server::Server> make_memory_server();

} // namespace gaggle::memory
