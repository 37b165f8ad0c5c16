#pragma once
// The events of session event buses, shared by every instance on one database, so a client on
// any instance sees the turns every instance runs and can resume there with the Last-Event-ID
// another instance sent it. Only where several instances can exist (PostgreSQL); one SQLite
// instance has none, and its buses stay in memory.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct SharedEvent {
    std::string session_id;
    std::string event_id;  // "<epoch>-<seq>" as the publishing instance sent it
    std::string json;      // the event's text, as published
};

class SharedEventLog {
public:
    virtual ~SharedEventLog() = default;

    // Queues an event this instance published. Called on a turn's thread: returns at once and
    // never waits for the database; the log writes in the background, in publishing order.
    virtual void append(const std::string& session_id, const std::string& event_id, const std::string& json) = 0;

    // The session's events logged after `event_id`, oldest first; nullopt when the log does not
    // hold `event_id` (never logged, or already expired). Runs a query on the calling thread;
    // throws gaggle::Error (unavailable) when the database cannot answer.
    virtual std::optional<std::vector<SharedEvent>> after(const std::string& session_id, const std::string& event_id) = 0;

    // From now until stop(): every event other instances log is passed to `deliver`, in each
    // instance's publishing order, on the log's own thread. `deliver` must be quick.
    virtual void start(std::function<void(const SharedEvent&)> deliver) = 0;
    // Stops delivering (waits for a delivery in progress) and writes what is still queued.
    virtual void stop() = 0;
};

} // namespace gaggle
