#pragma once
// The "chatrecall" platform extension: lets the agent find the user's past sessions through the
// store's full-text index and read an excerpt of one. Every lookup is scoped to the calling
// session's owner, so one user's agent never sees another user's conversations.
// Tools (both read-only): chatrecall__search_sessions {query, limit?} and
// chatrecall__read_session {session_id}.
#include "agent/tool_source.hpp"

namespace gaggle {

class ChatRecallExtension final : public ToolSource {
public:
    const std::string& extension_name() const override;
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;
};

} // namespace gaggle
