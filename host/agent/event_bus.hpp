#pragma once
// The per-session event bus (upstream 1.34): every event of a session's turns gets a sequence
// number and is kept in a bounded replay buffer, so a client that reconnects with Last-Event-ID
// misses nothing; one that fell further behind than the buffer is told to reload instead.
#include "common/json.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace gaggle {

struct BusEvent {
    std::uint64_t seq;
    std::string json; // serialised once, written to every listener as is
};

class SessionEventBus {
public:
    explicit SessionEventBus(size_t capacity = 512) : capacity_(capacity) {}

    // Adds chat_request_id (and request_id when absent) and stores the event; returns its seq.
    std::uint64_t publish(Json event, const std::string& request_id);

    struct Batch {
        std::vector<BusEvent> events;
        bool too_far_behind = false; // events after `after` were already dropped from the buffer
        std::uint64_t next_after = 0;
    };
    // Events with seq > after, waiting up to `timeout` for the first one.
    Batch wait_after(std::uint64_t after, std::chrono::milliseconds timeout);
    std::uint64_t last_seq() const;

    void set_active(const std::string& request_id, bool active);
    std::vector<std::string> active_requests() const;
    // Wakes every waiting listener (shutdown).
    void wake_all();

private:
    size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<BusEvent> buffer_;
    std::uint64_t last_seq_ = 0;
    std::set<std::string> active_;
};

} // namespace gaggle
