#pragma once
// What the extension routes ask of a session's agent: add and remove extensions (the running
// agent and the session's stored list together), list its tools with their permission, call a
// tool or read a resource directly (MCP-UI / MCP Apps).
#include "agent/agent_manager.hpp"
#include "agent/permissions.hpp"
#include "mcp/extension_config.hpp"

namespace gaggle {

class ExtensionService {
public:
    ExtensionService(AgentManager& agents, SessionStore& store, PermissionStore& permissions)
        : agents_(agents), store_(store), permissions_(permissions) {}

    // Starts the extension in the session's agent and records it in the session's list. Throws
    // invalid_argument (cannot run here), bad_gateway (it failed to start). The caller checks
    // refusal() first.
    // Why GOOSE_ALLOWLIST refuses this extension (a 403), or nullopt.
    std::optional<std::string> refusal(const mcp::ExtensionSpec& spec) const;
    void add(const std::string& owner, const std::string& session_id, const mcp::ExtensionSpec& spec);
    // not_found when the session neither runs nor lists it.
    void remove(const std::string& owner, const std::string& session_id, const std::string& name);
    // ToolInfo[]; extension_name filters by extension.
    Json tools(const std::string& owner, const std::string& session_id, const std::optional<std::string>& extension_name);
    // CallToolResponse {content, is_error, structured_content, _meta}; not_found for an unknown tool.
    Json call_tool(const std::string& owner, const std::string& session_id, const std::string& name, const Json& arguments);
    // The server's own ReadResourceResult {contents: [...]} (ACP's _goose/resource/read answers it
    // whole). not_found when the extension is not loaded or the server has no such resource,
    // bad_gateway when it cannot be reached.
    Json read_resource_result(const std::string& owner, const std::string& session_id, const std::string& extension_name,
                              const std::string& uri);
    // ReadResourceResponse {uri, mimeType, text, _meta}: the first content, as /agent/read_resource answers.
    Json read_resource(const std::string& owner, const std::string& session_id, const std::string& extension_name,
                       const std::string& uri);

private:
    std::shared_ptr<Agent> agent_of(const std::string& owner, const std::string& session_id, SessionInfo* info = nullptr);

    AgentManager& agents_;
    SessionStore& store_;
    PermissionStore& permissions_;
};

} // namespace gaggle
