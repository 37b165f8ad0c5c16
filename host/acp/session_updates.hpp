#pragma once
// The `session/update` payloads ACP clients render, made from goose Messages: the same mapping
// serves a live turn (its Message events) and session/load (the stored conversation), so what an
// editor sees after a reload is what it saw while the turn ran.
#include "common/json.hpp"

#include <string>
#include <vector>

namespace gaggle::acp {

// The `update` objects for one goose Message, in content order: text becomes
// user_message_chunk / agent_message_chunk by role, thinking agent_thought_chunk, a toolRequest
// a `tool_call` (status pending), a toolResponse a `tool_call_update` (completed, or failed when
// the result is an error or a declined call) carrying the result as content. Items ACP has no
// update for (actionRequired prompts, redacted thinking, notifications) give nothing.
std::vector<Json> message_updates(const Json& message);

// ToolKind for a tool name (`extension__tool`): what an editor picks an icon by.
std::string tool_kind(const std::string& tool_name);

// A tool_call_update that only moves a call to `status`.
Json tool_status_update(const std::string& tool_call_id, const std::string& status);

} // namespace gaggle::acp
