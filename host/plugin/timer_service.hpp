#pragma once
// The timers behind "gaggle.host.timer/1": one host thread runs every plugin's callbacks in due
// order, so a plugin needs no thread of its own for periodic work. Cancelling waits for a callback
// that is running on the timer thread (unless the callback cancels itself), so after cancel()
// returns the plugin may free what the callback uses. The thread starts with the first timer.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace gaggle {

class TimerService {
public:
    using Callback = std::function<void(std::uint64_t id)>;
    using Clock = std::chrono::steady_clock;

    TimerService() = default;
    ~TimerService();
    TimerService(const TimerService&) = delete;
    TimerService& operator=(const TimerService&) = delete;

    // [thread-safe] Fires `fn` after `delay`, then every `interval` when it is non-zero. `owner`
    // groups timers for cancel_all. Returns the timer's id (never 0).
    std::uint64_t schedule(const void* owner, std::chrono::milliseconds delay, std::chrono::milliseconds interval,
                           Callback fn);
    // [thread-safe] False when no such timer is pending or running (unknown, or a fired one-shot).
    bool cancel(const void* owner, std::uint64_t id);
    // [thread-safe] Cancels every timer of `owner` (before the plugin is destroyed).
    void cancel_all(const void* owner);

private:
    struct Timer {
        const void* owner;
        Clock::time_point due;
        std::chrono::milliseconds interval;
        Callback fn;
    };
    void run();
    void wait_not_running_locked(std::unique_lock<std::mutex>& lock, std::uint64_t id);

    std::mutex mutex_;
    std::condition_variable wake_;      // the timer thread: a new earlier timer, or stop
    std::condition_variable finished_;  // cancellers: the running callback returned
    std::map<std::uint64_t, Timer> timers_;
    std::uint64_t next_id_ = 1;
    std::uint64_t running_ = 0;         // id whose callback runs now, 0 when none
    std::thread thread_;
    bool stopping_ = false;
};

} // namespace gaggle
