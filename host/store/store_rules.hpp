#pragma once
// Behaviour every SessionStore engine shares beyond input validation (session_validation.hpp):
// page limits, the listing cursor, how a patch merges extension data, how token usage adds up.
// One definition, so the engines cannot drift apart.
#include "store/session_types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace gaggle {

inline constexpr std::size_t kMaxStorePage = 1000;

// Throws Error(invalid_argument) unless 1 <= limit <= kMaxStorePage.
void validate_page_limit(std::size_t limit);
// Limit, cursor-or-offset and the session types of a listing.
void validate_list_query(const ListQuery& query);

// Listing cursor: "<updated_at>:<seq>" of the last row of the previous page. Opaque to clients;
// decode throws Error(invalid_argument) for anything the server did not issue.
std::string encode_list_cursor(std::int64_t updated_at, std::int64_t seq);
std::pair<std::int64_t, std::int64_t> decode_list_cursor(const std::string& cursor);

// ",user,scheduled," for the listing's type filter (one bound value), "" for every type.
std::string session_types_filter(const ListQuery& query);

// The listing's archive filter as one bound integer: 0 every session, 1 those not archived,
// 2 only archived ones.
std::int64_t archive_filter_code(ArchiveFilter filter);

// Replace-then-merge of extension_data; null values in the merge remove keys.
Json patched_extension_data(Json current, const SessionPatch& patch);

// A new session's metadata as every engine stores it: the id and both timestamps given, the
// rest from `in` (validated by validate_new_session).
SessionInfo new_session_info(const NewSession& in, std::string id, std::int64_t now_ms);

// total defaults to input + output; throws Error(invalid_argument) for negative counts.
std::int64_t checked_total(const TokenUsage& usage);

} // namespace gaggle
