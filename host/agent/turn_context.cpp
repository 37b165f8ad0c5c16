#include "agent/turn_context.hpp"

#include "agent/messages.hpp"

namespace gaggle {

void TurnContext::persist(std::vector<Json> messages, std::optional<TokenUsage> usage, std::optional<std::string> name)
{
    TurnStep step;
    step.messages = messages;
    step.usage = usage;
    step.name = std::move(name);
    step.durable = false;
    session = services.store.apply_turn_step(owner, session_id, step);
    unsynced = true;
    for (auto& m : messages) history.push_back(std::move(m));
}

void TurnContext::barrier()
{
    if (!unsynced) return;
    services.store.sync();
    unsynced = false;
}

void TurnContext::emit_message(const Json& message) const
{
    emit(Json{{"type", "Message"}, {"message", message}, {"token_state", token_state(session.tokens)}});
}

void TurnContext::emit_notification(const std::string& type, const std::string& text) const
{
    emit_message(make_message("assistant", Json::array({Json{{"type", "systemNotification"}, {"notificationType", type}, {"msg", text}}}),
                              true, false));
}

} // namespace gaggle
