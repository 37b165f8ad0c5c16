#pragma once
// Checks done before a turn's stream opens, shared by every route that starts a turn: the session
// exists for this user and a provider is usable, so those mistakes are a clean 4xx, not an Error
// event inside a 200 stream.
#include "agent/agent_loop.hpp"
#include "app/app_context.hpp"

namespace gaggle {

// Throws not_found / precondition; returns the request ready to run.
TurnRequest prepare_turn(AppContext& app, const std::string& owner, const std::string& session_id, Json user_message,
                         std::optional<Json> override_conversation);

// When `user_message` answers a question a running turn waits on (an MCP elicitation's
// actionRequired elicitationResponse, or a frontend tool's toolResponse, as the desktop sends
// them in a new reply), hands the answer to that turn and returns the session as read to check
// its owner: such a message starts no turn. nullopt for any other message. Throws not_found when
// nothing with that id waits in the session (or the session is not this user's).
std::optional<SessionInfo> deliver_turn_answer(AppContext& app, const std::string& owner, const std::string& session_id,
                                               const Json& user_message);

// A user text message as the desktop builds it.
Json user_text_message(const std::string& text);

} // namespace gaggle
