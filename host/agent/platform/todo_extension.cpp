#include "agent/platform/todo_extension.hpp"

#include "agent/platform/tool_text_result.hpp"
#include "common/error.hpp"

namespace gaggle {

const std::string& TodoExtension::extension_name() const
{
    static const std::string name = "todo";
    return name;
}

std::vector<ToolSpec> TodoExtension::list_tools()
{
    return {
        ToolSpec{"todo_read", "Read the current task list of this session.", Json{{"type", "object"}, {"properties", Json::object()}}, true},
        ToolSpec{"todo_write",
                 "Replace the task list of this session with new content (markdown checklist).",
                 Json{{"type", "object"},
                      {"properties", {{"content", {{"type", "string"}, {"description", "The whole new task list"}}}}},
                      {"required", Json::array({"content"})}},
                 false},
    };
}

Json TodoExtension::call_tool(const ToolContext& ctx, const std::string& tool, const Json& arguments)
{
    if (tool == "todo_read") {
        const SessionInfo s = ctx.store->get_session(ctx.owner, ctx.session_id);
        auto it = s.extension_data.find("todo.v0");
        const std::string content = (it != s.extension_data.end() && it->is_object()) ? it->value("content", std::string()) : "";
        return tool_text_result(content.empty() ? "The task list is empty." : content);
    }
    if (tool == "todo_write") {
        if (!arguments.is_object() || !arguments.contains("content") || !arguments["content"].is_string())
            return tool_text_result("todo_write needs a string argument `content`.", true);
        SessionPatch patch;
        patch.extension_data_merge = Json{{"todo.v0", {{"content", arguments["content"]}}}};
        ctx.store->update_session(ctx.owner, ctx.session_id, patch);
        return tool_text_result("Task list updated (" + std::to_string(arguments["content"].get<std::string>().size()) + " characters).");
    }
    return tool_text_result("Unknown tool todo__" + tool, true);
}

} // namespace gaggle
