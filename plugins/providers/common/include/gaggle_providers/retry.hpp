#pragma once
// Retry timing: exponential backoff with jitter, the server's Retry-After honoured, and waits
// that end early when the call is cancelled.
#include <gaggle/cpp/plugin.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace gaggle::providers {

struct RetryPolicy {
    int max_retries = 3;                                // attempts after the first
    std::chrono::milliseconds base{1000};               // first backoff; doubles per retry
    std::chrono::milliseconds max_delay{30'000};        // cap on our own backoff
    std::chrono::milliseconds max_retry_after{60'000};  // a server asking for longer is not waited for
};

// The wait before retry number `retry` (0 for the first retry). A server-given wait wins over the
// backoff; jitter of +-20% spreads clients that failed together.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::optional<std::chrono::milliseconds> retry_after);

// Retry-After as delay-seconds ("120", "1.5") or an HTTP date (relative to `now`); nullopt if neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Sleep `delay`, polling `cancel`; false when cancelled first.
bool sleep_unless_cancelled(std::chrono::milliseconds delay, const sdk::Cancel& cancel);

} // namespace gaggle::providers
