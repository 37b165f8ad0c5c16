#include "agent/turn_context.hpp"

#include "agent/messages.hpp"

namespace gaggle {

void TurnContext::persist(std::vector<Json> messages, std::optional<TokenUsage> usage, std::optional<std::string> name)
{
    TurnStep step;
    step.messages = messages; // lent to the store, then moved into history: never copied
    step.usage = usage;
    step.name = std::move(name);
    step.durable = false;
    // The step changes only the session's counters; the rest stays as the turn read it.
    const SessionCounters after = services.store.apply_turn_step(owner, session_id, step);
    session.name = after.name;
    session.updated_at_ms = after.updated_at_ms;
    session.tokens = after.tokens;
    session.message_count = after.message_count;
    unsynced = true;
    for (auto& m : messages) history.push_back(std::move(m));
}

void TurnContext::replace_history(std::vector<Json> messages)
{
    history = std::move(messages);
    history_text.clear();
    stored_agent_visible.clear();
    unparsed = 0;
}

void TurnContext::load_history()
{
    services.store.for_each_message(owner, session_id, [&](std::string_view raw, bool agent_visible) {
        history.emplace_back();
        history_text.emplace_back(raw);
        stored_agent_visible.push_back(agent_visible);
    });
    unparsed = history.size();
}

std::vector<Json>& TurnContext::parsed_history()
{
    for (std::size_t i = 0; i < unparsed; ++i) history[i] = Json::parse(history_text[i]);
    unparsed = 0;
    stored_agent_visible.clear();
    return history;
}

std::string TurnContext::agent_visible_json()
{
    while (history_text.size() < history.size())
        history_text.push_back(history[history_text.size()].dump(-1, ' ', false, Json::error_handler_t::replace));
    std::size_t bytes = 2;  // an upper bound: asking agent_visible() twice per message costs more than the slack
    for (const auto& text : history_text) bytes += text.size() + 1;
    std::string out;
    out.reserve(bytes);
    out += '[';
    for (std::size_t i = 0; i < history.size(); ++i) {
        if (!(i < unparsed ? stored_agent_visible[i] : agent_visible(history[i]))) continue;
        if (out.size() > 1) out += ',';
        out += history_text[i];
    }
    out += ']';
    return out;
}

void TurnContext::barrier()
{
    if (!unsynced) return;
    services.store.sync();
    unsynced = false;
}

Json TurnContext::message_event(Json message) const
{
    return Json{{"type", "Message"}, {"message", std::move(message)}, {"token_state", token_state(session.tokens)}};
}

void TurnContext::emit_notification(const std::string& type, const std::string& text) const
{
    emit_message(make_message("assistant", Json::array({Json{{"type", "systemNotification"}, {"notificationType", type}, {"msg", text}}}),
                              true, false));
}

} // namespace gaggle
