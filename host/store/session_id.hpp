#pragma once
// Session ids are "YYYYMMDD_N": the UTC day of creation and a per-day counter from 1, like
// upstream goose. The counter is allocated by the engine inside its write transaction.
#include <cstdint>
#include <string>
#include <string_view>

namespace gaggle {

// "YYYYMMDD" of the UTC day containing the instant.
std::string utc_day_key(std::int64_t unix_ms);

std::string format_session_id(std::string_view day_key, std::int64_t counter);

// True for "YYYYMMDD_N" (N >= 1, no leading zero) and the legacy "YYYYMMDD_HHMMSS" form.
bool looks_like_session_id(std::string_view id);

} // namespace gaggle
