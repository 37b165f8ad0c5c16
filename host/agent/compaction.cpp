#include "agent/compaction.hpp"

#include "agent/messages.hpp"

namespace gaggle {
namespace {

constexpr const char* summary_instructions =
    "Summarise the conversation below so that it can replace it as context for continuing the work. "
    "Keep every fact, decision, file name, command, result and open task that matters; drop chit-chat. "
    "Write it as a brief for the assistant who will continue.";

// A plain transcript of agent-visible messages (thinking dropped, tool calls as JSON).
std::string transcript(const std::vector<Json>& messages)
{
    std::string out;
    for (const auto& m : messages) {
        const std::string role = m.value("role", std::string("user"));
        for (const auto& c : m["content"]) {
            const std::string type = c.value("type", std::string());
            if (type == "text") out += "[" + role + "]: " + c.value("text", std::string()) + "\n";
            else if (type == "toolRequest" && c["toolCall"].value("status", "") == "success")
                out += "tool_request(" + c["toolCall"]["value"].value("name", std::string()) + "): " +
                       c["toolCall"]["value"]["arguments"].dump() + "\n";
            else if (type == "toolResponse") {
                std::string text;
                if (c["toolResult"].contains("value") && c["toolResult"]["value"].contains("content"))
                    for (const auto& item : c["toolResult"]["value"]["content"])
                        if (item.value("type", "") == "text") text += item.value("text", std::string());
                out += "tool_response: " + text + "\n";
            } else if (type == "image") {
                out += "[image: " + c.value("mimeType", std::string("image")) + "]\n";
            }
        }
    }
    return out;
}

void notify(TurnContext& ctx, const std::string& type, const std::string& text)
{
    ctx.emit_message(make_message(
        "assistant", Json::array({Json{{"type", "systemNotification"}, {"notificationType", type}, {"msg", text}}}), true, false));
}

} // namespace

bool compaction_due(const TurnContext& ctx)
{
    double threshold = 0.8;
    if (auto t = ctx.services.config.get("GOOSE_AUTO_COMPACT_THRESHOLD"); t && t->is_number()) threshold = t->get<double>();
    if (threshold <= 0.0 || threshold >= 1.0 || ctx.context_limit <= 0) return false;
    const auto used = ctx.session.tokens.total.value_or(0);
    return static_cast<double>(used) >= threshold * static_cast<double>(ctx.context_limit);
}

bool compact_conversation(TurnContext& ctx, const std::string& reason)
{
    notify(ctx, "inlineMessage", reason);
    notify(ctx, "thinkingMessage", "goose is compacting the conversation...");
    const std::vector<Json>& all = ctx.history;
    std::vector<Json> visible;
    const Json* last_user_text = nullptr;
    for (const auto& m : all)
        if (agent_visible(m)) {
            visible.push_back(m);
            if (m.value("role", "") == "user" && !message_text(m).empty()) last_user_text = &m;
        }
    if (visible.empty()) return false;

    Json request{{"model", ctx.model},
                 {"system", summary_instructions},
                 {"messages", Json::array({make_message("user", Json::array({text_content(transcript(visible))}))})},
                 {"tools", Json::array()},
                 {"settings", Json::object()}};
    std::string summary;
    const ProviderOutcome outcome = ctx.services.providers.stream(
        *ctx.provider, request,
        [&](const Json& e) {
            if (e.value("type", "") == "text") summary += e.value("text", std::string());
        },
        ctx.cancel);
    if (outcome.status != GAGGLE_OK || summary.empty()) {
        notify(ctx, "inlineMessage", "Compaction failed: " + provider_error_class(outcome.status) + " " + outcome.message);
        return false;
    }

    std::vector<Json> rewritten;
    for (auto m : all) {
        m["metadata"]["agentVisible"] = false;
        rewritten.push_back(std::move(m));
    }
    rewritten.push_back(make_message("user", Json::array({text_content("Summary of the conversation so far:\n" + summary)}), false, true));
    rewritten.push_back(make_message(
        "assistant",
        Json::array({text_content("The conversation was compacted into the summary above. I will continue from it naturally.")}),
        false, true));
    if (last_user_text) {
        Json again = make_message("user", Json::array({text_content(message_text(*last_user_text))}), false, true);
        rewritten.push_back(std::move(again));
    }
    ctx.services.store.replace_conversation(ctx.owner, ctx.session_id, rewritten);
    ctx.history = rewritten;
    SessionPatch patch;
    TokenCounters tokens = ctx.session.tokens;
    tokens.input = tokens.output = tokens.total = 0; // the next call measures the compacted context
    patch.tokens = tokens;
    ctx.session = ctx.services.store.update_session(ctx.owner, ctx.session_id, patch);
    ctx.emit(Json{{"type", "UpdateConversation"}, {"conversation", rewritten}});
    notify(ctx, "inlineMessage", "Compaction complete");
    return true;
}

} // namespace gaggle
