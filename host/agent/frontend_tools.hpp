#pragma once
// Frontend extensions (ExtensionConfig type "frontend", goosed-api.md §5.5): tools the client app
// implements. Nothing runs in the host: a call is shown to the client as a `frontendToolRequest`
// message and the turn waits for the client's result, which comes as elicitation answers do, in a
// later /reply whose user_message carries a `toolResponse` with the call's id. That message starts
// no turn of its own.
#include "agent/tool_source.hpp"
#include "agent/turn_context.hpp"
#include "mcp/extension_config.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

class FrontendToolSource final : public ToolSource {
public:
    // `spec` was checked by parse_extension_config (its tools are well-formed).
    explicit FrontendToolSource(const mcp::ExtensionSpec& spec);

    const std::string& extension_name() const override { return key_; }
    std::vector<ToolSpec> list_tools() override { return tools_; }
    // Through context.run_on_client; a tool error when no client is there to run it.
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;
    std::string instructions() const override { return instructions_; }

private:
    std::string key_;
    std::chrono::seconds timeout_; // the extension's `timeout`: how long a call waits for the client
    std::vector<ToolSpec> tools_;
    std::string instructions_;
};

// Shows the call in the turn's stream and blocks until the client's result arrives, the turn is
// cancelled or `timeout` (the extension's, default 300 s) passes. Returns an MCP CallToolResult
// (an error result when cancelled or timed out).
Json run_on_client(TurnContext& ctx, const std::string& request_id, const std::string& prefixed_name, const Json& arguments,
                   std::chrono::seconds timeout);

struct FrontendToolAnswer {
    std::string id;
    Json result; // an MCP CallToolResult
};

// The result a /reply's user_message carries, if it is a frontend tool's. Throws unprocessable
// when it is one but malformed (no id, a toolResult that is neither success nor error).
std::optional<FrontendToolAnswer> frontend_tool_answer_in(const Json& user_message);

} // namespace gaggle
