#pragma once
// SharedEventLog in the `session_events` table of the PostgreSQL database, with LISTEN/NOTIFY to
// wake the other instances.
//
// Writing: append() queues; one writer thread drains the queue in batches, each batch one
// transaction (synchronous_commit off: these events are for live streams, not for the record)
// that inserts the rows and NOTIFYs "<origin>:<first id>". The queue is bounded in bytes; past
// the bound the oldest queued events are dropped with a warning rather than slowing a turn.
//
// Reading: one listener thread holds a connection of its own (LISTEN needs one that stays), and on
// a notification from another origin reads that origin's rows after the last one it delivered.
// One origin's rows commit in id order (one writer), so a cursor per origin misses none. After
// losing the database it reconnects, and catches up from its cursors.
//
// Rows older than `keep` are deleted by the writer, a few times a minute.
#include "store/pg_database.hpp"
#include "store/shared_event_log.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace gaggle {

struct PgEventLogOptions {
    std::chrono::seconds keep{900};
    std::size_t max_queued_bytes = 64 * 1024 * 1024;
};

class PgEventLog final : public SharedEventLog {
public:
    // Starts the writer. `origin` must differ between processes (a new one each start).
    PgEventLog(std::shared_ptr<pg::Database> db, std::string origin, PgEventLogOptions options = {});
    ~PgEventLog() override;

    void append(const std::string& session_id, const std::string& event_id, const std::string& json) override;
    std::optional<std::vector<SharedEvent>> after(const std::string& session_id, const std::string& event_id) override;
    void start(std::function<void(const SharedEvent&)> deliver) override;
    void stop() override;

    // Waits until everything appended so far is written (tests).
    void flush();

private:
    struct Pending {
        std::string session_id, event_id, json;
    };
    void write_loop();
    void write_batch(const std::vector<Pending>& batch);
    void expire_old_rows();
    std::unique_ptr<pg::Connection> listening_connection();
    void listen_loop(std::unique_ptr<pg::Connection> c);
    // Reads and delivers an origin's rows after its cursor (or from `first` when it has none).
    void catch_up(pg::Connection& c, const std::string& origin, std::int64_t first);
    bool wait_readable(int socket);

    std::shared_ptr<pg::Database> db_;
    const std::string origin_;
    const PgEventLogOptions options_;

    std::mutex queue_mutex_;
    std::condition_variable queued_, written_;
    std::deque<Pending> queue_;
    std::size_t queued_bytes_ = 0;
    std::uint64_t appended_ = 0, done_ = 0;  // events appended, and written or dropped
    bool stopping_ = false;
    std::chrono::steady_clock::time_point last_expiry_{};
    std::thread writer_;

    std::function<void(const SharedEvent&)> deliver_;
    std::map<std::string, std::int64_t> cursors_;  // origin -> last row delivered (listener thread)
    int wake_fd_ = -1;                             // an eventfd that ends the listener's wait
    std::thread listener_;
};

} // namespace gaggle
