#include "agent/provider_turn.hpp"

#include "agent/messages.hpp"

namespace gaggle {

std::optional<Json> ProviderReply::assistant_message() const
{
    Json content = thinking;
    if (!text.empty()) content.push_back(text_content(text));
    for (const auto& call : tool_calls)
        content.push_back(call.error ? tool_request_error_content(call.id, *call.error)
                                     : tool_request_content(call.id, call.name, call.arguments));
    if (content.empty()) return std::nullopt;
    Json m = make_message("assistant", content, true, true, message_id);
    m["created"] = created;
    return m;
}

Json build_chat_request(const TurnContext& ctx, const std::string& system_prompt)
{
    Json settings = Json::object();
    if (ctx.session.model_config && ctx.session.model_config->is_object()) {
        const Json& mc = *ctx.session.model_config;
        for (const char* key : {"temperature", "max_tokens", "request_params"})
            if (mc.contains(key) && !mc[key].is_null()) settings[key] = mc[key];
    }
    return Json{{"model", ctx.model},
                {"system", system_prompt},
                {"tools", ctx.mode == "chat" ? Json::array() : ctx.tools.provider_tools()},
                {"settings", settings}};
}

ProviderReply call_provider(TurnContext& ctx, Json request)
{
    ProviderReply reply;
    reply.message_id = new_message_id();
    reply.created = unix_seconds_now();
    const std::int64_t created = reply.created;
    // The Message event every text delta goes out as, built at the first one: only its text
    // changes from delta to delta (the token state cannot change while the provider streams), so
    // a token costs a string assignment, not a message and an event built anew.
    Json delta_event;
    Json* delta_text = nullptr;
    auto on_event = [&](const Json& e) {
        const auto kind = e.find("type");
        if (kind == e.end() || !kind->is_string()) return;
        const std::string& type = kind->get_ref<const std::string&>();
        if (type == "text") {
            const auto text = e.find("text");
            if (text == e.end() || !text->is_string() || text->get_ref<const std::string&>().empty()) return;
            const std::string& delta = text->get_ref<const std::string&>();
            reply.text += delta;
            reply.streamed_anything = true;
            if (!delta_text) {
                Json m = make_message("assistant", Json::array({text_content(std::string())}), true, true, reply.message_id);
                m["created"] = created;
                delta_event = ctx.message_event(std::move(m));
                delta_text = &delta_event["message"]["content"][0]["text"];
            }
            *delta_text = delta;
            ctx.emit(delta_event);
        } else if (type == "thinking") {
            // Deltas are concatenated into one block; a signature completes it.
            const std::string delta = e.value("thinking", std::string());
            if (reply.thinking.empty() || reply.thinking.back().value("type", "") != "thinking" ||
                !reply.thinking.back().value("signature", std::string()).empty())
                reply.thinking.push_back(Json{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}});
            Json& block = reply.thinking.back();
            block["thinking"] = block["thinking"].get<std::string>() + delta;
            if (e.contains("signature") && e["signature"].is_string()) block["signature"] = e["signature"];
        } else if (type == "redacted_thinking") {
            reply.thinking.push_back(Json{{"type", "redactedThinking"}, {"data", e.value("data", std::string())}});
        } else if (type == "tool_call") {
            ToolCall call{e.value("id", new_message_id()), e.value("name", std::string()), e.value("arguments", Json::object()),
                          std::nullopt};
            if (e.contains("error") && e["error"].is_string()) call.error = e["error"].get<std::string>();
            reply.tool_calls.push_back(std::move(call));
        } else if (type == "usage") {
            reply.usage = {e.value("input_tokens", std::int64_t{0}), e.value("output_tokens", std::int64_t{0})};
        }
    };
    reply.outcome = ctx.services.providers.stream(*ctx.provider, std::move(request), ctx.agent_visible_json(), on_event, ctx.cancel);
    return reply;
}

} // namespace gaggle
