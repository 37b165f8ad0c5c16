#pragma once
// Hands a turn's events from its thread to the request thread that writes them to one client.
#include "common/json.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle {

class EventQueue {
public:
    void push(const Json& event)
    {
        {
            std::lock_guard lock(mutex_);
            events_.push_back(event);
        }
        cv_.notify_one();
    }
    // The producer is done: a reader waiting on an empty queue wakes at once.
    void close()
    {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }
    // The next event, waiting up to `timeout`; nullopt when none came (or the queue is closed
    // and drained, see finished()).
    std::optional<Json> pop(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, timeout, [&] { return !events_.empty() || closed_; }) || events_.empty()) return std::nullopt;
        Json e = std::move(events_.front());
        events_.pop_front();
        return e;
    }
    // Closed and drained: nothing more will come.
    bool finished() const
    {
        std::lock_guard lock(mutex_);
        return closed_ && events_.empty();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Json> events_;
    bool closed_ = false;
};

} // namespace gaggle
