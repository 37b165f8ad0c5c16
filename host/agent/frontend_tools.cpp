#include "agent/frontend_tools.hpp"

#include "agent/messages.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <chrono>

namespace gaggle {
namespace {

Json error_result(const std::string& text)
{
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

// A goose ToolResult ({status: success, value} or {status: error, error}) as a CallToolResult.
// The value may be a CallToolResult or just its content array.
Json call_tool_result(const Json& tool_result)
{
    if (!tool_result.is_object()) throw unprocessable("field `user_message.content[].toolResult` must be an object");
    const std::string status = tool_result.value("status", std::string());
    if (status == "error") {
        const Json& error = tool_result.contains("error") ? tool_result["error"] : Json();
        return error_result(error.is_string() ? error.get<std::string>() : "The client could not run the tool.");
    }
    if (status != "success" || !tool_result.contains("value"))
        throw unprocessable("field `user_message.content[].toolResult` must be {status: success, value} or {status: error, error}");
    const Json& value = tool_result["value"];
    Json result = value.is_array() ? Json{{"content", value}} : value;
    if (!result.is_object() || !result.contains("content") || !result["content"].is_array())
        throw unprocessable("field `user_message.content[].toolResult.value` must be a CallToolResult or an array of content");
    for (const Json& item : result["content"])
        if (!item.is_object() || !item.contains("type") || !item["type"].is_string())
            throw unprocessable("field `user_message.content[].toolResult.value` holds content without a `type`");
    if (result.contains("isError") && !result["isError"].is_boolean())
        throw unprocessable("field `user_message.content[].toolResult.value.isError` must be a boolean");
    return result;
}

} // namespace

FrontendToolSource::FrontendToolSource(const mcp::ExtensionSpec& spec)
    : key_(spec.key), timeout_(spec.timeout), instructions_(spec.config.value("instructions", Json()).is_string() ? spec.config["instructions"].get<std::string>() : "")
{
    for (const Json& t : spec.config["tools"]) {
        ToolSpec tool;
        tool.name = t["name"];
        if (t.contains("description") && t["description"].is_string()) tool.description = t["description"];
        if (t.contains("inputSchema") && t["inputSchema"].is_object()) tool.input_schema = t["inputSchema"];
        if (t.contains("annotations") && t["annotations"].is_object())
            tool.read_only = t["annotations"].value("readOnlyHint", Json(false)).is_boolean() && t["annotations"]["readOnlyHint"].get<bool>();
        tools_.push_back(std::move(tool));
    }
}

Json FrontendToolSource::call_tool(const ToolContext& context, const std::string& tool, const Json& arguments)
{
    const std::string prefixed = key_ + "__" + tool;
    const bool known = std::any_of(tools_.begin(), tools_.end(), [&](const ToolSpec& t) { return t.name == tool; });
    if (!known) return error_result("Tool " + prefixed + " does not exist.");
    if (!context.run_on_client)
        return error_result("The tool " + prefixed + " is run by the client app (a frontend extension), and no client is "
                            "attached to this call to run it.");
    return context.run_on_client(prefixed, arguments, timeout_);
}

Json run_on_client(TurnContext& ctx, const std::string& request_id, const std::string& prefixed_name, const Json& arguments,
                   std::chrono::seconds timeout)
{
    ctx.services.frontend_tools.expect(ctx.session_id, request_id);
    const Json request{{"type", "frontendToolRequest"},
                       {"id", request_id},
                       {"toolCall", {{"status", "success"}, {"value", {{"name", prefixed_name}, {"arguments", arguments}}}}}};
    // Shown, not stored: the model's own toolRequest is in the conversation already.
    ctx.emit_message(make_message("assistant", Json::array({request}), true, false));
    // As long as the extension's `timeout` allows (an app that never answers must not hold the
    // turn forever).
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    const auto result = ctx.services.frontend_tools.wait(ctx.session_id, request_id, ctx.cancel, [&] {
        timed_out = std::chrono::steady_clock::now() >= deadline;
        return timed_out;
    });
    if (result) return *result;
    if (timed_out)
        return error_result("The client app did not return the result of " + prefixed_name + " within " +
                            std::to_string(timeout.count()) + " s.");
    return error_result("The turn was cancelled before the client returned the result of " + prefixed_name + ".");
}

std::optional<FrontendToolAnswer> frontend_tool_answer_in(const Json& user_message)
{
    if (!user_message.is_object() || !user_message.contains("content") || !user_message["content"].is_array()) return std::nullopt;
    for (const Json& item : user_message["content"]) {
        if (!item.is_object() || item.value("type", std::string()) != "toolResponse") continue;
        if (!item.contains("id") || !item["id"].is_string() || item["id"].get_ref<const std::string&>().empty())
            throw unprocessable("field `user_message.content[].id` of a toolResponse must be a non-empty string");
        if (!item.contains("toolResult")) throw unprocessable("field `user_message.content[].toolResult` is required in a toolResponse");
        return FrontendToolAnswer{item["id"], call_tool_result(item["toolResult"])};
    }
    return std::nullopt;
}

} // namespace gaggle
