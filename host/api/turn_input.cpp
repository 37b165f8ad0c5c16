#include "api/turn_input.hpp"

#include "agent/messages.hpp"
#include "common/error.hpp"

namespace gaggle {

TurnRequest prepare_turn(AppContext& app, const std::string& owner, const std::string& session_id, Json user_message,
                         std::optional<Json> override_conversation)
{
    const SessionInfo session = app.sessions.get_session(owner, session_id);
    resolve_provider(app.agent_services, session);
    if (!user_message.is_object()) throw unprocessable("field `user_message` must be a Message object");
    TurnRequest request{owner, session_id, std::move(user_message), std::nullopt};
    if (override_conversation) {
        std::vector<Json> messages;
        for (auto& m : *override_conversation) messages.push_back(m);
        request.override_conversation = std::move(messages);
    }
    return request;
}

Json user_text_message(const std::string& text) { return make_message("user", Json::array({text_content(text)})); }

} // namespace gaggle
