#pragma once
// Compaction: when the conversation nears the model's context limit, the provider summarises the
// agent-visible history; every old message stays stored (the user still sees it) but is marked
// agentVisible:false, and the model from then on sees the summary, a note that compaction happened,
// and the user's latest request. The client is sent UpdateConversation with the new history.
#include "agent/turn_context.hpp"

namespace gaggle {

// True when compaction is due before a turn: last-call tokens / context limit >= threshold
// (GOOSE_AUTO_COMPACT_THRESHOLD, default 0.8; <= 0 or >= 1 turns it off).
bool compaction_due(const TurnContext& ctx);
// Summarises and rewrites the conversation. False (with the reason emitted as a notification)
// when the provider could not summarise; the conversation is then left as it was.
bool compact_conversation(TurnContext& ctx, const std::string& reason);
// Zeroes the session's context counters (input, output, total; the accumulated ones stay) after
// the model's context was replaced, so the next call measures the new one.
void reset_context_tokens(TurnContext& ctx);

} // namespace gaggle
