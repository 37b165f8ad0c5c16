#include "gaggle_providers/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <locale>
#include <random>
#include <sstream>
#include <string>
#include <thread>

namespace gaggle::providers {

using std::chrono::milliseconds;

milliseconds backoff_delay(const RetryPolicy& policy, int retry, std::optional<milliseconds> retry_after)
{
    if (retry_after) return std::max(milliseconds(0), *retry_after);
    const int shift = std::clamp(retry, 0, 20);
    const auto raw = std::min<long long>(policy.base.count() * (1LL << shift), policy.max_delay.count());
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return milliseconds(static_cast<long long>(static_cast<double>(raw) * jitter(rng)));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    double seconds = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && ptr == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return milliseconds(static_cast<long long>(seconds * 1000.0));
    }
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    std::tm tm{};
    std::istringstream in{std::string(value)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
    if (in.fail()) return std::nullopt;
    const std::time_t when = timegm(&tm);
    if (when == static_cast<std::time_t>(-1)) return std::nullopt;
    const auto delta = std::chrono::system_clock::from_time_t(when) - now;
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(delta));
}

bool sleep_unless_cancelled(milliseconds delay, const sdk::Cancel& cancel)
{
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!cancel.cancelled()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return true;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, milliseconds(20)));
    }
    return false;
}

} // namespace gaggle::providers
