#include "store/timestamps.hpp"

#include <chrono>
#include <cstdio>

namespace gaggle {

namespace {

using namespace std::chrono;

// Reads exactly `n` digits at `pos`; false when they are not all there.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

} // namespace

std::int64_t now_unix_ms() {
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339_utc(std::int64_t unix_ms) {
    const sys_time<milliseconds> tp{milliseconds{unix_ms}};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{tp - day};
    char buf[40];
    const auto ms = static_cast<int>(hms.subseconds().count());
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                          unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                          int(hms.minutes().count()), int(hms.seconds().count()));
    if (ms != 0) n += std::snprintf(buf + n, sizeof buf - std::size_t(n), ".%03d", ms);
    std::snprintf(buf + n, sizeof buf - std::size_t(n), "Z");
    return buf;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !digits(s, pos, 2, d))
        return std::nullopt;
    const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok()) return std::nullopt;
    std::int64_t ms = duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count();
    if (pos == s.size()) return ms;  // date only: midnight UTC

    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi) ||
        !expect(s, pos, ':') || !digits(s, pos, 2, sec))
        return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: leap second, folded below
    ms += ((h * 60 + mi) * 60 + std::min(sec, 59)) * 1000LL;

    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        int frac_ms = 0, scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            frac_ms += (s[pos] - '0') * scale;  // digits past milliseconds are truncated
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
        ms += frac_ms;
    }
    if (pos == s.size()) return ms;  // no zone: UTC
    if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? std::optional(ms) : std::nullopt;
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    const int sign = s[pos] == '+' ? 1 : -1;
    ++pos;
    int oh = 0, om = 0;
    if (!digits(s, pos, 2, oh) || !expect(s, pos, ':') || !digits(s, pos, 2, om) || pos != s.size())
        return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    return ms - sign * (oh * 60 + om) * 60'000LL;
}

} // namespace gaggle
