#pragma once
// One provider call inside a turn: streams text to the client as deltas sharing one message id,
// gathers thinking, tool calls and usage, and reports how the call ended.
#include "agent/turn_context.hpp"

#include <optional>
#include <vector>

namespace gaggle {

struct ToolCall {
    std::string id, name;
    Json arguments;
    std::optional<std::string> error; // the model's call could not be parsed
};

struct ProviderReply {
    std::string message_id;         // the id the streamed text used
    std::int64_t created = 0;
    std::string text;
    Json thinking = Json::array();  // thinking / redactedThinking content items
    std::vector<ToolCall> tool_calls;
    std::optional<std::pair<std::int64_t, std::int64_t>> usage; // input, output
    ProviderOutcome outcome;
    bool streamed_anything = false;

    // The assistant message to persist, or nullopt when the call produced nothing.
    std::optional<Json> assistant_message() const;
};

// The gaggle.chat/1 request for the turn's agent-visible history: everything but `messages`,
// which call_provider() splices in as text (TurnContext::agent_visible_json), so a provider round
// neither copies nor re-serialises the stored conversation.
Json build_chat_request(const TurnContext& ctx, const std::string& system_prompt);
ProviderReply call_provider(TurnContext& ctx, Json request);

} // namespace gaggle
