#include "agent/turn_context.hpp"

#include "agent/messages.hpp"

namespace gaggle {

void TurnContext::emit_message(const Json& message) const
{
    emit(Json{{"type", "Message"}, {"message", message}, {"token_state", token_state(session.tokens)}});
}

} // namespace gaggle
