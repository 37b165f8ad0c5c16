#include "agent/messages.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>

namespace gaggle {

std::string new_message_id()
{
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // variant
    char out[41];
    std::snprintf(out, sizeof out, "msg_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

std::optional<std::string> image_problem(const std::string& data, const std::string& mime_type)
{
    if (mime_type.rfind("image/", 0) != 0) return "mimeType must be an image type, not \"" + mime_type + "\"";
    if (data.empty() || data.size() % 4 != 0 ||
        data.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != std::string::npos)
        return "data must be base64";
    return std::nullopt;
}

std::int64_t unix_seconds_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json make_message(const std::string& role, Json content, bool user_visible, bool agent_visible, std::string id)
{
    return Json{{"id", std::move(id)},
                {"role", role},
                {"created", unix_seconds_now()},
                {"content", std::move(content)},
                {"metadata", {{"userVisible", user_visible}, {"agentVisible", agent_visible}}}};
}

Json text_content(const std::string& text) { return Json{{"type", "text"}, {"text", text}}; }

Json tool_request_content(const std::string& id, const std::string& name, const Json& arguments)
{
    return Json{{"type", "toolRequest"},
                {"id", id},
                {"toolCall", {{"status", "success"}, {"value", {{"name", name}, {"arguments", arguments}}}}}};
}

Json tool_request_error_content(const std::string& id, const std::string& error)
{
    return Json{{"type", "toolRequest"}, {"id", id}, {"toolCall", {{"status", "error"}, {"error", error}}}};
}

Json tool_response_content(const std::string& id, const std::string& text, bool is_error)
{
    return tool_response_content(
        id, Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}, {"isError", is_error}});
}

Json tool_response_content(const std::string& id, const Json& call_tool_result)
{
    return Json{{"type", "toolResponse"}, {"id", id}, {"toolResult", {{"status", "success"}, {"value", call_tool_result}}}};
}

std::string message_text(const Json& message)
{
    std::string out;
    if (!message.contains("content") || !message["content"].is_array()) return out;
    for (const auto& item : message["content"])
        if (item.value("type", "") == "text" && item.contains("text") && item["text"].is_string())
            out += item["text"].get<std::string>();
    return out;
}

bool agent_visible(const Json& message)
{
    auto it = message.find("metadata");
    if (it == message.end() || !it->is_object()) return true;
    return it->value("agentVisible", true);
}

Json token_state(const TokenCounters& t)
{
    auto v = [](const std::optional<std::int64_t>& x) { return x.value_or(0); };
    return Json{{"inputTokens", v(t.input)},
                {"outputTokens", v(t.output)},
                {"totalTokens", v(t.total)},
                {"accumulatedInputTokens", v(t.accumulated_input)},
                {"accumulatedOutputTokens", v(t.accumulated_output)},
                {"accumulatedTotalTokens", v(t.accumulated_total)}};
}

} // namespace gaggle
