#pragma once
// The MCP servers an ACP client gives in session/new and session/load, as our ExtensionConfig, so
// they start through the same extension launcher and MCP client as every other extension.
#include "common/json.hpp"

namespace gaggle::acp {

// ExtensionConfig[] for `mcp_servers` (McpServer[]): stdio servers become `stdio` extensions,
// `http` ones `streamable_http` and `sse` ones the legacy `sse` transport (initialize advertises
// mcpCapabilities http and sse), with `env` and `headers` as their maps. Another type, or a
// wrong field, throws invalid_params naming `mcpServers[i]`.
Json extension_configs(const Json& mcp_servers);

} // namespace gaggle::acp
