#include "anthropic_wire.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <set>

namespace gaggle::providers::anthropic {
namespace {

const Json& ephemeral()
{
    static const Json cache{{"type", "ephemeral"}};
    return cache;
}

Json image_block(const std::string& mime_type, const std::string& data)
{
    return Json{{"type", "image"}, {"source", {{"type", "base64"}, {"media_type", mime_type}, {"data", data}}}};
}

Json user_content(const Json& message, const std::set<std::string>& known_calls)
{
    Json results = Json::array(), rest = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            if (!str_of(item, "text").empty()) rest.push_back(Json{{"type", "text"}, {"text", str_of(item, "text")}});
        } else if (type == "image") {
            rest.push_back(image_block(str_of(item, "mimeType", "image/png"), str_of(item, "data")));
        } else if (type == "toolResponse") {
            const std::string id = str_of(item, "id");
            const ToolResult result = tool_response_result(item);
            if (!known_calls.count(id)) { // its tool_use was never sent: the API would reject the pair
                rest.push_back(Json{{"type", "text"}, {"text", "Tool result: " + (result.text.empty() ? "(empty)" : result.text)}});
                continue;
            }
            Json content = Json::array();
            if (!result.text.empty()) content.push_back(Json{{"type", "text"}, {"text", result.text}});
            for (const auto& img : result.images) content.push_back(image_block(img.mime_type, img.data));
            Json block{{"type", "tool_result"}, {"tool_use_id", id}, {"content", content}};
            if (result.is_error) block["is_error"] = true;
            results.push_back(block);
        }
    }
    for (auto& b : rest) results.push_back(std::move(b));
    return results;
}

Json assistant_content(const Json& message, std::set<std::string>& known_calls)
{
    Json blocks = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "thinking") {
            // Only signed thinking can go back; the API rejects blocks it did not sign.
            if (!str_of(item, "signature").empty())
                blocks.push_back(Json{{"type", "thinking"}, {"thinking", str_of(item, "thinking")}, {"signature", str_of(item, "signature")}});
        } else if (type == "redactedThinking") {
            blocks.push_back(Json{{"type", "redacted_thinking"}, {"data", str_of(item, "data")}});
        } else if (type == "text") {
            if (!str_of(item, "text").empty()) blocks.push_back(Json{{"type", "text"}, {"text", str_of(item, "text")}});
        } else if (type == "toolRequest" || type == "frontendToolRequest") {
            std::string error;
            auto call = tool_request_call(item, &error);
            if (!call) {
                blocks.push_back(Json{{"type", "text"}, {"text", "[tool call failed: " + error + "]"}});
                continue;
            }
            const std::string id = str_of(item, "id");
            known_calls.insert(id);
            blocks.push_back(Json{{"type", "tool_use"}, {"id", id}, {"name", sanitize_tool_name(call->name)}, {"input", call->arguments}});
        }
    }
    return blocks;
}

} // namespace

Json anthropic_messages(const Json& messages)
{
    Json out = Json::array();
    std::set<std::string> known_calls;
    for (const Json& m : messages) {
        const bool assistant = str_of(m, "role") == "assistant";
        Json content = assistant ? assistant_content(m, known_calls) : user_content(m, known_calls);
        if (content.empty()) continue; // the API rejects empty turns
        out.push_back(Json{{"role", assistant ? "assistant" : "user"}, {"content", content}});
    }
    // Incremental prompt caching: mark the last block of the last two user turns.
    int marked = 0;
    for (auto it = out.rbegin(); it != out.rend() && marked < 2; ++it) {
        if ((*it)["role"] != "user") continue;
        Json& last = (*it)["content"].back();
        last["cache_control"] = ephemeral();
        ++marked;
    }
    return out;
}

Json anthropic_tools(const Json& tools)
{
    Json out = Json::array();
    for (auto& t : tool_definitions(tools, Json{{"type", "object"}}))
        out.push_back(Json{{"name", t.name}, {"description", t.description}, {"input_schema", t.schema}});
    if (!out.empty()) out.back()["cache_control"] = ephemeral();
    return out;
}

std::int64_t default_max_tokens(const std::string& model)
{
    auto has = [&](const char* s) { return model.find(s) != std::string::npos; };
    if (has("claude-3-haiku") || has("claude-3-opus") || has("claude-3-sonnet")) return 4096;
    if (has("claude-3-5")) return 8192;
    if ((has("claude-opus-4-0") || has("claude-opus-4-1") || has("claude-opus-4-2025") || model == "claude-opus-4")) return 32000;
    return 64000;
}

Json anthropic_body(const ChatRequest& request, const ThinkingConfig& thinking)
{
    Json body{{"model", request.model}};
    std::int64_t max_tokens = request.max_tokens.value_or(default_max_tokens(request.model));
    if (thinking.enabled && max_tokens <= thinking.budget_tokens) max_tokens = thinking.budget_tokens + 4096;
    body["max_tokens"] = max_tokens;
    if (!request.system.empty())
        body["system"] = Json::array({Json{{"type", "text"}, {"text", request.system}, {"cache_control", ephemeral()}}});
    body["messages"] = anthropic_messages(request.messages);
    if (!request.tools.empty()) body["tools"] = anthropic_tools(request.tools);
    if (thinking.enabled)
        body["thinking"] = Json{{"type", "enabled"}, {"budget_tokens", thinking.budget_tokens}};
    else if (request.temperature) // extended thinking only allows the default temperature
        body["temperature"] = *request.temperature;
    body["stream"] = true;
    for (const auto& [k, v] : request.request_params.items()) body[k] = v;
    return body;
}

} // namespace gaggle::providers::anthropic
