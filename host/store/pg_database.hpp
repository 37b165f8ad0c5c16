#pragma once
// One PostgreSQL database shared by the PostgreSQL-backed stores (sessions, plugin kv) of this
// process, and by every other gaggle instance pointed at it.
//
// Concurrency model: a bounded pool of connections. Each call borrows one connection for one
// transaction and returns it before the call returns; no call ever holds two, so a dry pool
// makes callers wait (up to the statement timeout, then 503) but cannot deadlock. Writers in
// this and other instances are serialised by PostgreSQL's row locks (the session row for its
// messages, the day counter for new ids), not by a process-wide mutex.
//
// Failure model: a connection the server dropped (restart, failover) is discarded and a fresh
// one opened; a transaction that failed before COMMIT because its connection was already dead,
// or that lost a serialization conflict, runs again. While the server is down, calls throw
// Error(unavailable) ("503, try again") after one attempt to connect; nothing hangs.
#include "store/pg_connection.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace gaggle::pg {

struct DatabaseOptions {
    // A libpq connection string or URI: postgres://user:pass@host:5432/db?sslmode=...
    std::string url{};
    std::size_t pool_size = 8;
    int statement_timeout_ms = 30'000;
    // Seconds libpq waits for a connection to open (added to the URL when it names none).
    int connect_timeout_s = 5;
};

// How one write transaction reaches the disk, as SQLite's engine: `durable` commits with
// synchronous_commit = on (the WAL is flushed before COMMIT returns); `deferred` with
// synchronous_commit = off (the server flushes it within a few hundred ms, and the next
// durable commit or sync() includes it). A server crash can lose deferred commits only.
enum class Commit { durable, deferred };

struct WriteStats {
    std::uint64_t commits = 0;
    std::uint64_t syncs = 0;
};

class Database {
public:
    // Connects once (so a wrong URL fails start-up with libpq's reason) and runs the schema
    // migrations. Throws gaggle::Error, including for a schema newer than this build.
    explicit Database(DatabaseOptions options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs body in one READ COMMITTED transaction; may run it again (see above), so body must
    // only touch the database and its own locals.
    template <class F>
    auto write(F&& body, Commit commit = Commit::durable) {
        return run_typed(std::forward<F>(body), [this, commit](const Body& b) { run(b, commit == Commit::durable ? Mode::durable : Mode::deferred); });
    }

    // Runs body in one REPEATABLE READ, READ ONLY transaction: every statement sees one snapshot.
    template <class F>
    auto read(F&& body) {
        return run_typed(std::forward<F>(body), [this](const Body& b) { run(b, Mode::read); });
    }

    // Makes every commit of this instance so far durable: one durable commit, whose WAL flush
    // covers every record before it.
    void sync();
    // A connection of its own, outside the pool, with the pool's settings: for a caller that holds
    // one for long (a LISTEN). Throws Error(unavailable) when the server cannot be reached.
    std::unique_ptr<Connection> open_dedicated() const {
        return std::make_unique<Connection>(conninfo_, options_.statement_timeout_ms);
    }
    WriteStats stats() const { return {commits_.load(), syncs_.load()}; }
    int schema_version();

private:
    using Body = std::function<void(Connection&)>;
    enum class Mode { read, durable, deferred };

    template <class F, class Run>
    static auto run_typed(F&& body, Run&& run) {
        using R = std::invoke_result_t<F&, Connection&>;
        if constexpr (std::is_void_v<R>) {
            run([&](Connection& c) { body(c); });
        } else {
            std::optional<R> out;
            run([&](Connection& c) { out.emplace(body(c)); });
            return std::move(*out);
        }
    }

    void run(const Body& body, Mode mode);
    std::unique_ptr<Connection> acquire();
    void release(std::unique_ptr<Connection> c);

    DatabaseOptions options_;
    std::string conninfo_;
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;  // connections in existence (idle + borrowed)
    std::atomic<std::uint64_t> commits_{0}, syncs_{0};
};

} // namespace gaggle::pg
