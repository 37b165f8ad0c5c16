#pragma once
// The per-session event bus (upstream 1.34): every event of a session's turns gets a sequence
// number and is kept in a bounded replay buffer, so a client that reconnects with Last-Event-ID
// misses nothing; one that fell further behind than the buffer is told to reload instead.
//
// Event ids are "<epoch>-<seq>". The epoch names this bus instance in this process (the boot,
// then a counter), so an id from before a restart, or from a bus that was evicted while idle,
// is recognised as such instead of being read as a position in the new sequence.
//
// Several instances on one database: a bus also carries the events of turns other instances run
// (publish_relayed), under the ids those instances gave them, so a client may take an id from one
// instance to another; and it hands its own events to the shared log (set_outbound).
#include "common/json.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

struct BusEvent {
    std::uint64_t seq;
    std::string json;      // serialised once, written to every listener as is
    std::string origin_id{};  // the id another instance gave a relayed event; empty for our own
};

class SessionEventBus {
public:
    // The replay buffer keeps at most `capacity` events and `max_bytes` of event text (one
    // UpdateConversation carries a whole conversation), but always the newest event.
    explicit SessionEventBus(size_t capacity = 512, size_t max_bytes = 4 * 1024 * 1024);

    // Adds chat_request_id (and request_id when absent) and stores the event; returns its seq.
    std::uint64_t publish(Json event, const std::string& request_id);

    struct Batch {
        std::vector<BusEvent> events;
        bool too_far_behind = false; // events after `after` were already dropped from the buffer
        std::uint64_t next_after = 0;
    };
    // An event of a turn another instance runs, under the id it was given there. Takes the next
    // seq of this bus (its position here) but keeps that id.
    void publish_relayed(std::string event_id, std::string json);
    // Called with the id and text of every event this bus publishes itself (not relayed ones), on
    // the publishing thread, after listeners are woken. Set once, before the first publish.
    void set_outbound(std::function<void(const std::string& event_id, const std::string& json)> outbound)
    {
        outbound_ = std::move(outbound);
    }

    // Events with seq > after, waiting up to `timeout` for the first one.
    Batch wait_after(std::uint64_t after, std::chrono::milliseconds timeout);
    // Every event still in the buffer (a client whose id is from another epoch).
    Batch buffered() const;
    std::uint64_t last_seq() const;
    // The seq of the oldest event still kept (last_seq() + 1 when none is): a listener whose
    // position is below this minus one has lost events.
    std::uint64_t oldest_seq() const;

    const std::string& epoch() const noexcept { return epoch_; }
    // "<epoch>-<seq>": the SSE id of one event.
    std::string event_id(std::uint64_t seq) const { return epoch_ + "-" + std::to_string(seq); }
    // The id a client is sent for this event: ours, or the relayed event's own.
    std::string event_id(const BusEvent& e) const { return e.origin_id.empty() ? event_id(e.seq) : e.origin_id; }
    // Where a client sending Last-Event-ID resumes: a bare number is a seq of this epoch, and so is
    // the id of a relayed event still buffered; an id of another epoch asks for a reset (or for
    // the shared log). Throws invalid_argument for anything else.
    struct Resume {
        bool reset = false;
        std::uint64_t after = 0;
    };
    Resume resume_point(std::string_view last_event_id) const;

    void set_active(const std::string& request_id, bool active);
    std::vector<std::string> active_requests() const;
    bool idle() const; // no request active
    // Wakes every waiting listener (shutdown).
    void wake_all();

    // Calls `notify` after every publish, on the publishing thread with no bus lock held, until
    // unlisten(id) has returned (it waits out a call in progress). This is how an event-driven
    // stream writer learns there is something to pull with wait_after(after, 0ms). `notify` must be
    // quick and must not call back into this bus: it runs on a turn's critical path.
    std::uint64_t listen(std::function<void()> notify);
    void unlisten(std::uint64_t id);

    // This process's part of every epoch: its start time and a random tag, so that neither a
    // restart nor another instance started in the same millisecond gives the same epoch.
    static const std::string& process_token();

private:
    std::uint64_t store(std::string text, std::string origin_id);

    size_t capacity_, max_bytes_;
    std::string epoch_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<BusEvent> buffer_;
    size_t buffered_bytes_ = 0;
    std::uint64_t last_seq_ = 0;
    std::set<std::string> active_;
    std::mutex listeners_mutex_; // apart from mutex_: readers pull while being notified
    std::map<std::uint64_t, std::function<void()>> listeners_;
    std::uint64_t next_listener_ = 0;
    std::function<void(const std::string&, const std::string&)> outbound_;
};

} // namespace gaggle
