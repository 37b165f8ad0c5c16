#pragma once
// The builtin MCP servers `gaggle mcp NAME` runs over stdio.
#include <optional>
#include <string>
#include <vector>

namespace gaggle::extensions {

std::vector<std::string> builtin_server_names();

// Serves the named server on stdin/stdout until stdin ends and returns the exit code; nullopt
// when no builtin has that name. Call from the main thread of a process that does nothing else.
std::optional<int> serve_builtin(const std::string& name);

} // namespace gaggle::extensions
