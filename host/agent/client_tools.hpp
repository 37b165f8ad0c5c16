#pragma once
// Tool calls the client driving a turn runs in its own environment rather than the host's: an
// editor over ACP reads and writes files through its open buffers (so the agent sees unsaved
// edits) and runs commands in its own terminals. The turn asks before it runs each approved call.
#include "agent/tool_source.hpp"

#include <optional>
#include <string>

namespace gaggle {

class ClientToolRunner {
public:
    virtual ~ClientToolRunner() = default;
    // On the thread running the call (after its approval): the MCP CallToolResult when the client
    // took the call, nullopt when the host runs it as usual. Blocks until the client is done, the
    // turn is cancelled (context.cancel) or the client is gone; never throws.
    virtual std::optional<Json> run(const ToolContext& context, const std::string& tool_name, const Json& arguments) = 0;
};

} // namespace gaggle
