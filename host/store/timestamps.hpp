#pragma once
// Time values the store persists (unix milliseconds, UTC) and their RFC 3339 text form used by
// the Session JSON and by search date bounds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gaggle {

std::int64_t now_unix_ms();

// "2026-02-12T10:11:12Z", or "…12.345Z" when the milliseconds are not zero (what upstream's
// chrono emits for the same instant).
std::string format_rfc3339_utc(std::int64_t unix_ms);

// Accepts "YYYY-MM-DD", "YYYY-MM-DD[T| ]HH:MM:SS[.frac][Z|±HH:MM]" (no zone = UTC, as SQLite
// writes timestamps). Returns unix milliseconds, or nullopt when the text is not such a time.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

} // namespace gaggle
