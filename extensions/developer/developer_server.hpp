#pragma once
// The builtin `developer` MCP server: shell, text_editor and tree, with the names and argument
// names of upstream goose's developer extension.
#include "common/mcp_server.hpp"

#include <memory>

namespace gaggle::developer {

// A server with the developer tools registered, ready for serve().
std::unique_ptr<mcp_server::Server> make_developer_server();

} // namespace gaggle::developer
