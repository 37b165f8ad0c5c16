#pragma once
// session/list over the session store: the owner's sessions newest first as ACP SessionInfo
// (sessionId, cwd, title, updatedAt), optionally only those in one working directory, paged by
// the store's own opaque cursor.
#include "common/json.hpp"

#include <cstddef>
#include <string>

namespace gaggle {
class SessionStore;
}

namespace gaggle::acp {

// At most this many sessions per answer, and at most this many read from the store per call.
inline constexpr std::size_t session_list_page = 100;
inline constexpr std::size_t session_list_scan = 2000;

// The ListSessionsResponse for `params` ({cwd?, cursor?}). With a cwd, at most
// session_list_scan sessions are read per call, so a directory with few sessions among many
// answers quickly; the answer may then hold fewer than a page, with nextCursor to go on.
// Throws RpcError(invalid_params) for a bad cwd or cursor.
Json list_sessions(SessionStore& store, const std::string& owner, const Json& params);

} // namespace gaggle::acp
