#pragma once
// The "todo" platform extension: a per-session task list the model reads and rewrites, kept in
// the session's extension_data under "todo.v0" (as upstream), so it survives restarts and travels
// with exports. Tools: todo__todo_read (read-only) and todo__todo_write.
#include "agent/tool_source.hpp"

namespace gaggle {

class TodoExtension final : public ToolSource {
public:
    const std::string& extension_name() const override;
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;
};

} // namespace gaggle
