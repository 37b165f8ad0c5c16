#include "store/pg_database.hpp"

#include "common/error.hpp"
#include "store/pg_migrations.hpp"

namespace gaggle::pg {

namespace {

// Appends connect_timeout unless the URL sets one: libpq's default is to wait forever.
std::string with_connect_timeout(const std::string& url, int seconds) {
    if (url.find("connect_timeout") != std::string::npos) return url;
    const std::string param = "connect_timeout=" + std::to_string(seconds);
    if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
        return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
    return url + " " + param;  // key=value form
}

constexpr int kMaxAttempts = 5;

// After a failure: ends the transaction if the connection still lives (a dead one is dropped by
// release(), and the server rolls back what it had).
void rollback_quietly(Connection& c) {
    if (c.broken()) return;
    try {
        c.run("ROLLBACK");
    } catch (...) {
        // The rollback found the connection dead: release() drops it.
    }
}

} // namespace

Database::Database(DatabaseOptions options)
    : options_(std::move(options)), conninfo_(with_connect_timeout(options_.url, options_.connect_timeout_s)) {
    if (options_.pool_size == 0) throw invalid_argument("the database pool needs at least one connection");
    auto c = acquire();
    migrate(*c);
    release(std::move(c));
}

Database::~Database() = default;

std::unique_ptr<Connection> Database::acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.statement_timeout_ms);
    while (idle_.empty() && open_ >= options_.pool_size) {
        if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= options_.pool_size)
            throw Error(ErrorKind::unavailable, "every database connection is busy; try again");
    }
    if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    try {
        return std::make_unique<Connection>(conninfo_, options_.statement_timeout_ms);
    } catch (...) {
        lock.lock();
        --open_;
        returned_.notify_one();
        throw;
    }
}

void Database::release(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex_);
    if (c && !c->broken()) idle_.push_back(std::move(c));
    else --open_;
    returned_.notify_one();
}

void Database::run(const Body& body, Mode mode) {
    for (int attempt = 1;; ++attempt) {
        auto c = acquire();
        bool began = false;
        try {
            switch (mode) {
            case Mode::read: c->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); break;
            case Mode::durable: c->run("BEGIN; SET LOCAL synchronous_commit = on"); break;
            case Mode::deferred: c->run("BEGIN; SET LOCAL synchronous_commit = off"); break;
            }
            began = true;
            body(*c);
            c->run("COMMIT");
            if (mode != Mode::read) ++commits_;
            if (mode == Mode::durable) ++syncs_;
            release(std::move(c));
            return;
        } catch (const RetryableError& e) {
            rollback_quietly(*c);
            release(std::move(c));
            if (attempt == kMaxAttempts) throw Error(ErrorKind::unavailable, "the database kept reporting conflicts: " + e.message);
        } catch (const Error&) {
            const bool dead = c->broken();
            rollback_quietly(*c);
            release(std::move(c));
            // A pooled connection the server closed while idle fails at BEGIN: nothing ran, so a
            // fresh connection may try again. Once body ran, the outcome is the caller's to see.
            if (!(dead && !began && attempt < kMaxAttempts)) throw;
        } catch (...) {
            rollback_quietly(*c);
            release(std::move(c));
            throw;
        }
    }
}

void Database::sync() {
    // An xid makes the transaction write a commit record, and a synchronous commit flushes the
    // WAL up to it, every earlier (deferred) commit included. An empty transaction would not.
    run([](Connection& c) { c.exec("SELECT pg_current_xact_id()"); }, Mode::durable);
}

int Database::schema_version() {
    return static_cast<int>(read([](Connection& c) { return current_schema_version(c); }));
}

} // namespace gaggle::pg
