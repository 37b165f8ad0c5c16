#include "plugin/timer_service.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

TimerService::~TimerService()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        timers_.clear();
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::uint64_t TimerService::schedule(const void* owner, std::chrono::milliseconds delay,
                                     std::chrono::milliseconds interval, Callback fn)
{
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    timers_.emplace(id, Timer{owner, Clock::now() + delay, interval, std::move(fn)});
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_all();
    return id;
}

void TimerService::wait_not_running_locked(std::unique_lock<std::mutex>& lock, std::uint64_t id)
{
    // A callback cancelling its own timer must not wait for itself.
    if (std::this_thread::get_id() == thread_.get_id()) return;
    finished_.wait(lock, [&] { return running_ != id; });
}

bool TimerService::cancel(const void* owner, std::uint64_t id)
{
    std::unique_lock lock(mutex_);
    auto it = timers_.find(id);
    if (it == timers_.end() || it->second.owner != owner) {
        // A one-shot firing right now is no longer listed but still counts as cancellable.
        if (running_ != id || id == 0) return false;
        wait_not_running_locked(lock, id);
        return true;
    }
    timers_.erase(it);
    wait_not_running_locked(lock, id);
    return true;
}

void TimerService::cancel_all(const void* owner)
{
    std::unique_lock lock(mutex_);
    for (auto it = timers_.begin(); it != timers_.end();) it = it->second.owner == owner ? timers_.erase(it) : std::next(it);
    // The running callback may be this owner's (a fired one-shot is no longer listed): wait it out.
    if (running_ != 0) wait_not_running_locked(lock, running_);
}

void TimerService::run()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto next = timers_.end();
        for (auto it = timers_.begin(); it != timers_.end(); ++it)
            if (next == timers_.end() || it->second.due < next->second.due) next = it;
        if (next == timers_.end()) {
            wake_.wait(lock);
            continue;
        }
        if (Clock::now() < next->second.due) {
            // A copy: wait_until reads the deadline again after waking, and cancel() may have
            // erased this timer meanwhile (ASan caught the read of the freed node).
            const Clock::time_point due = next->second.due;
            wake_.wait_until(lock, due);
            continue; // the set may have changed while waiting
        }
        const std::uint64_t id = next->first;
        Callback fn = next->second.fn;
        if (next->second.interval.count() > 0) {
            // Skip occurrences missed while the thread was busy rather than firing them in a burst.
            const auto now = Clock::now();
            auto due = next->second.due + next->second.interval;
            while (due <= now) due += next->second.interval;
            next->second.due = due;
        } else {
            timers_.erase(next);
        }
        running_ = id;
        lock.unlock();
        try {
            fn(id);
        } catch (const std::exception& e) {
            spdlog::warn("a plugin timer callback threw: {}", e.what());
        } catch (...) {
        }
        lock.lock();
        running_ = 0;
        finished_.notify_all();
    }
}

} // namespace gaggle
