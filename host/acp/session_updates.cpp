#include "acp/session_updates.hpp"

#include "acp/json_fields.hpp"

namespace gaggle::acp {
namespace {

Json text_block(const std::string& text) { return Json{{"type", "text"}, {"text", text}}; }

Json chunk(const char* kind, Json content) { return Json{{"sessionUpdate", kind}, {"content", std::move(content)}}; }

// One MCP content item of a tool result as ACP ToolCallContent; null for kinds ACP cannot show.
Json tool_content(const Json& item)
{
    if (!item.is_object()) return nullptr;
    const std::string type = string_or_empty(item, "type");
    if (type == "text") return Json{{"type", "content"}, {"content", text_block(string_or_empty(item, "text"))}};
    if (type == "image")
        return Json{{"type", "content"},
                    {"content", {{"type", "image"}, {"data", string_or_empty(item, "data")}, {"mimeType", string_or_empty(item, "mimeType")}}}};
    if (type == "resource" && item.contains("resource") && item["resource"].is_object()) {
        const Json& r = item["resource"];
        Json resource{{"uri", string_or_empty(r, "uri")}};
        if (r.contains("text")) resource["text"] = string_or_empty(r, "text");
        else if (r.contains("blob")) resource["blob"] = string_or_empty(r, "blob");
        else return nullptr;
        if (auto mime = string_or_empty(r, "mimeType"); !mime.empty()) resource["mimeType"] = mime;
        return Json{{"type", "content"}, {"content", {{"type", "resource"}, {"resource", std::move(resource)}}}};
    }
    return nullptr;
}

Json tool_call(const Json& item)
{
    const std::string id = string_or_empty(item, "id");
    const Json call = item.value("toolCall", Json::object());
    if (!call.is_object() || string_or_empty(call, "status") != "success" || !call.contains("value") || !call["value"].is_object())
        return Json{{"sessionUpdate", "tool_call"}, {"toolCallId", id}, {"title", "invalid tool call"}, {"kind", "other"},
                    {"status", "failed"}, {"content", Json::array({{{"type", "content"}, {"content", text_block(string_or_empty(call, "error"))}}})}};
    const std::string name = string_or_empty(call["value"], "name");
    Json update{{"sessionUpdate", "tool_call"}, {"toolCallId", id}, {"title", name}, {"kind", tool_kind(name)}, {"status", "pending"}};
    if (call["value"].contains("arguments")) update["rawInput"] = call["value"]["arguments"];
    return update;
}

Json tool_result(const Json& item)
{
    Json update = tool_status_update(string_or_empty(item, "id"), "completed");
    const Json result = item.value("toolResult", Json::object());
    Json content = Json::array();
    if (!result.is_object() || string_or_empty(result, "status") != "success" || !result.contains("value") || !result["value"].is_object()) {
        update["status"] = "failed";
        const std::string error = result.is_object() ? string_or_empty(result, "error") : std::string();
        content.push_back(Json{{"type", "content"}, {"content", text_block(error.empty() ? "the tool failed" : error)}});
    } else {
        const Json& value = result["value"];
        if (auto e = value.find("isError"); e != value.end() && e->is_boolean() && e->get<bool>()) update["status"] = "failed";
        if (auto items = value.find("content"); items != value.end() && items->is_array())
            for (const auto& i : *items)
                if (Json c = tool_content(i); !c.is_null()) content.push_back(std::move(c));
        update["rawOutput"] = value;
    }
    update["content"] = std::move(content);
    return update;
}

} // namespace

std::vector<Json> message_updates(const Json& message)
{
    std::vector<Json> out;
    if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) return out;
    const bool from_user = string_or_empty(message, "role") == "user";
    for (const auto& item : message["content"]) {
        if (!item.is_object()) continue;
        const std::string type = string_or_empty(item, "type");
        if (type == "text") {
            const std::string text = string_or_empty(item, "text");
            if (!text.empty()) out.push_back(chunk(from_user ? "user_message_chunk" : "agent_message_chunk", text_block(text)));
        } else if (type == "image") {
            out.push_back(chunk(from_user ? "user_message_chunk" : "agent_message_chunk",
                                Json{{"type", "image"}, {"data", string_or_empty(item, "data")}, {"mimeType", string_or_empty(item, "mimeType")}}));
        } else if (type == "thinking") {
            const std::string text = string_or_empty(item, "thinking");
            if (!text.empty()) out.push_back(chunk("agent_thought_chunk", text_block(text)));
        } else if (type == "toolRequest") {
            out.push_back(tool_call(item));
        } else if (type == "toolResponse") {
            out.push_back(tool_result(item));
        }
    }
    return out;
}

std::string tool_kind(const std::string& tool_name)
{
    const auto sep = tool_name.rfind("__");
    const std::string tool = sep == std::string::npos ? tool_name : tool_name.substr(sep + 2);
    auto has = [&](const char* word) { return tool.find(word) != std::string::npos; };
    if (has("shell") || has("exec") || has("run") || has("command")) return "execute";
    if (has("search") || has("grep") || has("find")) return "search";
    if (has("fetch") || has("http") || has("download")) return "fetch";
    if (has("delete") || has("remove")) return "delete";
    if (has("move") || has("rename")) return "move";
    if (has("write") || has("edit") || has("create") || has("update")) return "edit";
    if (has("read") || has("list") || has("get") || has("view")) return "read";
    return "other";
}

Json tool_status_update(const std::string& tool_call_id, const std::string& status)
{
    return Json{{"sessionUpdate", "tool_call_update"}, {"toolCallId", tool_call_id}, {"status", status}};
}

} // namespace gaggle::acp
