#include "net/transfer_watchdog.hpp"

#include <sys/socket.h>

namespace gaggle::net {
namespace {

std::int64_t now_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(TransferWatchdog::Clock::now().time_since_epoch()).count();
}

} // namespace

TransferWatchdog& TransferWatchdog::instance()
{
    // Deliberately never destroyed: a transfer may still be running on some thread while static
    // destructors run at exit, and joining the thread there could hang the exit.
    static TransferWatchdog* watchdog = new TransferWatchdog();
    return *watchdog;
}

TransferWatchdog::TransferWatchdog() : thread_([this] { run(); })
{
    thread_.detach();
}

std::unique_ptr<TransferWatchdog::Watch> TransferWatchdog::watch(int fd, std::function<bool()> cancelled,
                                                                std::chrono::milliseconds budget)
{
    auto state = std::make_shared<Watch::State>();
    state->fd = fd;
    state->cancelled = std::move(cancelled);
    state->deadline_ns = now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(budget).count();
    std::uint64_t id = 0;
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        id = next_id_++;
        watched_.emplace(id, state);
        wake = idle_;
    }
    // A ticking watchdog checks the new transfer at its next tick anyway: only a sleeping one is
    // woken, so back-to-back transfers (a turn's provider calls) cost it no wake-up at all.
    if (wake) wake_.notify_one();
    return std::unique_ptr<Watch>(new Watch(*this, id, std::move(state)));
}

void TransferWatchdog::remove(std::uint64_t id)
{
    // Taking the mutex waits out a check in progress, so no shutdown can follow this return.
    std::lock_guard lock(mutex_);
    watched_.erase(id);
}

TransferWatchdog::Watch::~Watch() { owner_.remove(id_); }

void TransferWatchdog::Watch::extend(std::chrono::milliseconds budget) noexcept
{
    state_->deadline_ns.store(now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(budget).count(),
                              std::memory_order_relaxed);
}

void TransferWatchdog::run()
{
    std::unique_lock lock(mutex_);
    auto last_watched = Clock::now();
    for (;;) {
        if (watched_.empty() && Clock::now() - last_watched >= linger) {
            idle_ = true;
            wake_.wait(lock, [this] { return !watched_.empty(); });
            idle_ = false;
        } else {
            wake_.wait_for(lock, tick);
        }
        if (!watched_.empty()) last_watched = Clock::now();
        const std::int64_t now = now_ns();
        for (auto& [id, state] : watched_) {
            if (state->reason.load() != StopReason::none) continue;
            StopReason reason = StopReason::none;
            bool cancelled = false;
            try {
                cancelled = state->cancelled && state->cancelled();
            } catch (...) {
                cancelled = true; // a throwing cancel check is treated as "stop"
            }
            if (cancelled)
                reason = StopReason::cancelled;
            else if (now > state->deadline_ns.load(std::memory_order_relaxed))
                reason = StopReason::deadline;
            if (reason == StopReason::none) continue;
            state->reason.store(reason);
            ::shutdown(state->fd, SHUT_RDWR);
        }
    }
}

} // namespace gaggle::net
