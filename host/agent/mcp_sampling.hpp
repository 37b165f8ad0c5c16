#pragma once
// An MCP server's sampling/createMessage, answered for the session that runs the server: the
// session's own provider and model (as its turns use them) complete the server's messages, with
// the server's system prompt, token limit and temperature. As upstream goose, no one is asked
// first; the server sees only what the model answers to its own messages, never the session's
// conversation.
#include "agent/turn_context.hpp"

#include <string>

namespace gaggle {

// [blocking] A CreateMessageResult {role, content: {type: text, text}, model, stopReason}.
// Throws invalid_argument for malformed params (the server is told why), Error for a session
// without a usable provider, std::runtime_error when the provider fails.
Json sample_for_session(AgentServices& services, const std::string& owner, const std::string& session_id, const Json& params);

// The request's `messages` as chat messages for the provider. Throws invalid_argument for
// anything but user/assistant messages of text and image content, and beyond 200 messages or
// 1 MiB of content.
Json sampling_chat_messages(const Json& params);

} // namespace gaggle
