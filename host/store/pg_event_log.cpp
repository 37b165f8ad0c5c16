#include "store/pg_event_log.hpp"

#include "common/error.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <charconv>

#include <spdlog/spdlog.h>

namespace gaggle {
namespace {

// One spelling of the channel, for the writer's pg_notify and the listener's LISTEN.
#define GAGGLE_EVENT_CHANNEL "gaggle_session_events"
constexpr const char* kChannel = GAGGLE_EVENT_CHANNEL;
constexpr const char* kListen = "LISTEN " GAGGLE_EVENT_CHANNEL;
constexpr std::size_t kBatchEvents = 500;
constexpr std::size_t kBatchBytes = 8 * 1024 * 1024;
// A resume further back than the in-memory replay buffer keeps is a reload there too.
constexpr int kResumeEvents = 512;
constexpr std::size_t kResumeBytes = 4 * 1024 * 1024;
constexpr std::size_t kRemembered = 64;  // origins with a cursor, before the stalest are forgotten

// "<origin>:<first id>", as the writer NOTIFYs it.
bool parse_notification(const std::string& payload, std::string& origin, std::int64_t& first)
{
    const auto colon = payload.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    const char* begin = payload.data() + colon + 1;
    const char* end = payload.data() + payload.size();
    auto [p, ec] = std::from_chars(begin, end, first);
    if (ec != std::errc() || p != end) return false;
    origin = payload.substr(0, colon);
    return true;
}

} // namespace

PgEventLog::PgEventLog(std::shared_ptr<pg::Database> db, std::string origin, PgEventLogOptions options)
    : db_(std::move(db)), origin_(std::move(origin)), options_(options)
{
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw internal_error("event log: eventfd failed");
    writer_ = std::thread([this] { write_loop(); });
}

PgEventLog::~PgEventLog()
{
    stop();
    if (wake_fd_ >= 0) close(wake_fd_);
}

void PgEventLog::append(const std::string& session_id, const std::string& event_id, const std::string& json)
{
    {
        std::lock_guard lock(queue_mutex_);
        if (stopping_) return;
        queue_.push_back({session_id, event_id, json});
        queued_bytes_ += json.size();
        ++appended_;
        std::size_t dropped = 0;
        while (queue_.size() > 1 && queued_bytes_ > options_.max_queued_bytes) {
            queued_bytes_ -= queue_.front().json.size();
            queue_.pop_front();
            ++done_;
            ++dropped;
        }
        if (dropped) spdlog::warn("event log: the database falls behind; {} events were not shared with other instances", dropped);
    }
    queued_.notify_one();
}

void PgEventLog::flush()
{
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = appended_;
    written_.wait(lock, [&] { return done_ >= target; });  // stop() drains the queue too
}

void PgEventLog::write_loop()
{
    std::unique_lock lock(queue_mutex_);
    while (true) {
        queued_.wait_for(lock, std::chrono::seconds(10), [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) break;
        std::vector<Pending> batch;
        std::size_t bytes = 0;
        while (!queue_.empty() && batch.size() < kBatchEvents && (batch.empty() || bytes < kBatchBytes)) {
            bytes += queue_.front().json.size();
            queued_bytes_ -= queue_.front().json.size();
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        lock.unlock();
        if (!batch.empty()) write_batch(batch);
        expire_old_rows();
        lock.lock();
        done_ += batch.size();
        written_.notify_all();
    }
    written_.notify_all();
}

void PgEventLog::write_batch(const std::vector<Pending>& batch)
{
    pg::ArrayLiteral sessions, ids, bodies;
    for (const auto& p : batch) {
        sessions.add(p.session_id);
        ids.add(p.event_id);
        bodies.add(p.json);
    }
    const pg::Params params = pg::Params()
                                  .add(std::move(sessions).finish())
                                  .add(std::move(ids).finish())
                                  .add(origin_)
                                  .add(std::move(bodies).finish());
    try {
        db_->write(
            [&](pg::Connection& c) {
                // Identity values are drawn in the SELECT's order, which is the publishing order.
                const auto r = c.exec("WITH added AS (INSERT INTO session_events (session_id, event_id, origin, body) "
                                      "SELECT s, e, $3::text, b FROM unnest($1::text[], $2::text[], $4::text[]) "
                                      "WITH ORDINALITY AS t(s, e, b, n) ORDER BY n RETURNING id) "
                                      "SELECT min(id) FROM added",
                                      params);
                c.exec("SELECT pg_notify($1, $2)", pg::Params().add(kChannel).add(origin_ + ":" + r.str(0, 0)));
            },
            pg::Commit::deferred);
    } catch (const std::exception& e) {
        spdlog::warn("event log: {} events were not shared with other instances: {}", batch.size(), e.what());
    }
}

void PgEventLog::expire_old_rows()
{
    const auto now = std::chrono::steady_clock::now();
    if (now - last_expiry_ < std::chrono::seconds(20)) return;
    last_expiry_ = now;
    try {
        db_->write(
            [&](pg::Connection& c) {
                c.exec("DELETE FROM session_events WHERE created_at < now() - make_interval(secs => $1)",
                       pg::Params().add(static_cast<std::int64_t>(options_.keep.count())));
            },
            pg::Commit::deferred);
    } catch (const std::exception& e) {
        spdlog::debug("event log: expiring old events failed: {}", e.what());
    }
}

std::optional<std::vector<SharedEvent>> PgEventLog::after(const std::string& session_id, const std::string& event_id)
{
    return db_->read([&](pg::Connection& c) -> std::optional<std::vector<SharedEvent>> {
        const auto at = c.exec("SELECT id FROM session_events WHERE session_id = $1 AND event_id = $2 ORDER BY id LIMIT 1",
                               pg::Params().add(session_id).add(event_id));
        if (at.rows() == 0) return std::nullopt;
        const auto r = c.exec("SELECT event_id, body FROM session_events WHERE session_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                              pg::Params().add(session_id).add(at.int64(0, 0)).add(std::int64_t{kResumeEvents + 1}));
        if (r.rows() > kResumeEvents) return std::nullopt;
        std::vector<SharedEvent> out;
        std::size_t bytes = 0;
        for (int i = 0; i < r.rows(); ++i) {
            out.push_back({session_id, r.str(i, 0), r.str(i, 1)});
            bytes += out.back().json.size();
        }
        if (bytes > kResumeBytes) return std::nullopt;
        return out;
    });
}

void PgEventLog::start(std::function<void(const SharedEvent&)> deliver)
{
    if (listener_.joinable()) return;
    deliver_ = std::move(deliver);
    // The first LISTEN happens before start() returns, so nothing logged after it is missed; when
    // the database cannot be reached now, the listener keeps trying on its own.
    std::unique_ptr<pg::Connection> c;
    try {
        c = listening_connection();
    } catch (const std::exception& e) {
        spdlog::warn("event log: cannot listen to other instances yet (retrying): {}", e.what());
    }
    listener_ = std::thread([this, c = std::move(c)]() mutable { listen_loop(std::move(c)); });
}

std::unique_ptr<pg::Connection> PgEventLog::listening_connection()
{
    auto c = db_->open_dedicated();
    c->run(kListen);
    return c;
}

// Waits up to a second for the socket (none: just the second) or for stop(); true when the
// socket has something to read.
bool PgEventLog::wait_readable(int socket)
{
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
    const int n = poll(fds, socket >= 0 ? 2 : 1, 1000);
    return n > 0 && socket >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
}

void PgEventLog::catch_up(pg::Connection& c, const std::string& origin, std::int64_t first)
{
    auto known = cursors_.find(origin);
    std::int64_t after = known != cursors_.end() ? known->second : first - 1;
    while (true) {
        const auto r = c.exec("SELECT id, session_id, event_id, body FROM session_events WHERE origin = $1 AND id > $2 "
                              "ORDER BY id LIMIT $3",
                              pg::Params().add(origin).add(after).add(static_cast<std::int64_t>(kBatchEvents)));
        for (int i = 0; i < r.rows(); ++i) {
            after = r.int64(i, 0);
            deliver_(SharedEvent{r.str(i, 1), r.str(i, 2), r.str(i, 3)});
        }
        cursors_[origin] = after;
        if (r.rows() < static_cast<int>(kBatchEvents)) break;
    }
    // Origins are processes, named from their start time first: once there are many, the one
    // that started earliest (most likely stopped long ago) is forgotten.
    if (cursors_.size() > kRemembered) cursors_.erase(cursors_.begin());
}

void PgEventLog::listen_loop(std::unique_ptr<pg::Connection> c)
{
    bool warned = !c;
    auto stopping = [&] {
        std::lock_guard lock(queue_mutex_);
        return stopping_;
    };
    while (!stopping()) {
        if (!c) {
            try {
                c = listening_connection();
                // What other instances wrote while this one was away, from each known cursor.
                const auto known = cursors_;
                for (const auto& [origin, cursor] : known) catch_up(*c, origin, cursor + 1);
                if (warned) spdlog::info("event log: listening to other instances again");
                warned = false;
            } catch (const std::exception& e) {
                if (!warned) spdlog::warn("event log: cannot listen to other instances (retrying): {}", e.what());
                warned = true;
                c.reset();
                wait_readable(-1);  // a second, or until stop()
                continue;
            }
        }
        if (!wait_readable(c->socket())) continue;
        if (!c->consume_input()) {
            c.reset();
            continue;
        }
        std::map<std::string, std::int64_t> woken;  // origin -> its lowest first id notified
        while (auto payload = c->next_notification()) {
            std::string origin;
            std::int64_t first = 0;
            if (!parse_notification(*payload, origin, first) || origin == origin_) continue;
            auto [it, fresh] = woken.try_emplace(origin, first);
            if (!fresh && first < it->second) it->second = first;
        }
        try {
            for (const auto& [origin, first] : woken) catch_up(*c, origin, first);
        } catch (const std::exception& e) {
            spdlog::warn("event log: reading other instances' events failed: {}", e.what());
            if (c->broken()) c.reset();
        }
    }
}

void PgEventLog::stop()
{
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
    }
    if (listener_.joinable()) listener_.join();
    if (writer_.joinable()) writer_.join();
}

} // namespace gaggle
