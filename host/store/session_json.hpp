#pragma once
// SessionInfo <-> the upstream 1.24 `Session` JSON (goosed-api.md §6.2): snake_case, fields in
// upstream's order, RFC 3339 UTC times, null for unset optionals.
#include "common/json.hpp"
#include "store/session_types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

// Without messages: "conversation" is null, as upstream serialises a session not loaded with
// its messages (listings, /agent/start).
Json session_to_json(const SessionInfo& info);

// With the conversation, given as stored message JSON texts.
Json session_to_json(const SessionInfo& info, const std::vector<std::string>& conversation);

// The same document as text, splicing the stored message texts in without parsing them: the
// cheap path for GET /sessions/{id} and export of long sessions.
std::string session_to_json_text(const SessionInfo& info, const std::vector<std::string>& conversation);

// An exported Session document (POST /sessions/import). Tolerant of absent fields and of the
// legacy "description" name; throws Error(invalid_argument) naming a field of the wrong type.
// owner and id are left empty: the importer assigns them. Messages are validated on import.
struct ParsedSession {
    SessionInfo info;
    std::vector<Json> conversation;
};
ParsedSession session_from_json(const Json& document);
// The same from an export's text as a client sent it in `field` (POST /sessions/import's `json`,
// ACP's `data`): untrusted JSON that must hold a session object, else invalid_argument naming it.
ParsedSession session_from_export_text(std::string_view text, const std::string& field);

// SessionInsights is camelCase upstream.
Json insights_to_json(const SessionInsights& insights);

} // namespace gaggle
