#include "store/session_id.hpp"

#include <chrono>
#include <cstdio>

namespace gaggle {

std::string utc_day_key(std::int64_t unix_ms) {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(sys_time<milliseconds>{milliseconds{unix_ms}})};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    return buf;
}

std::string format_session_id(std::string_view day_key, std::int64_t counter) {
    std::string id(day_key);
    id += '_';
    id += std::to_string(counter);
    return id;
}

bool looks_like_session_id(std::string_view id) {
    if (id.size() < 10 || id.size() > 30 || id[8] != '_') return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (i == 8) continue;
        if (id[i] < '0' || id[i] > '9') return false;
    }
    // A counter has no leading zero; the six-digit legacy HHMMSS suffix may.
    return id[9] != '0' || id.size() == 15;
}

} // namespace gaggle
