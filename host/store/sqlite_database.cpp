#include "store/sqlite_database.hpp"

#include "common/error.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_checkpointer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>
#include <thread>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

namespace gaggle::sqlite {

namespace {

using namespace std::chrono_literals;

bool is_busy(const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;  // primary code, whether or not extended
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

void rollback_if_open(Connection& c) noexcept {
    if (sqlite3_get_autocommit(c.db().getHandle()) != 0) return;
    try {
        c.exec("ROLLBACK");
    } catch (...) {
        // Nothing more can be done; SQLite rolls back on its own when the connection closes.
    }
}

// Runs attempt until it returns, retrying while SQLite reports BUSY/LOCKED (only possible when
// another process holds the lock longer than busy_timeout). Engine errors become gaggle::Error.
template <class F>
void with_busy_retry(const DatabaseOptions& options, F&& attempt) {
    const auto deadline = std::chrono::steady_clock::now() + options.give_up_after;
    auto pause = 1ms;
    for (;;) {
        try {
            attempt();
            return;
        } catch (const SQLite::Exception& e) {
            if (!is_busy(e)) throw internal_error(std::string("session store: ") + e.what());
            if (std::chrono::steady_clock::now() >= deadline)
                throw Error(ErrorKind::unavailable,
                            "session store is busy: another process has held the database lock "
                            "for too long; try again later");
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(50));
        }
    }
}

// The database holds every conversation: create it readable by its owner only (SQLite gives
// the -wal and -shm files the same mode).
void prepare_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) throw internal_error("cannot create directory " + path.parent_path().string() + ": " + ec.message());
#ifndef _WIN32
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw internal_error("cannot create session database " + path.string() + ": " +
                             std::error_code(errno, std::generic_category()).message());
    }
    ::close(fd);
#endif
}

} // namespace

Stmt::~Stmt() {
    s_->tryReset();
    try {
        s_->clearBindings();
    } catch (...) {
        // clear_bindings cannot fail in SQLite; the wrapper merely declares that it may throw.
    }
}

Connection::Connection(const DatabaseOptions& options, bool writer)
    : db_(options.path.string(),
          SQLite::OPEN_READWRITE | (writer ? SQLite::OPEN_CREATE : 0) | SQLite::OPEN_NOMUTEX,
          options.busy_timeout_ms) {
    // NORMAL everywhere: a commit does not wait for the disk; Database::write fsyncs the WAL
    // itself after the commits that must be durable (see there why that is sound).
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec("PRAGMA temp_store=MEMORY");
    // Readers must never write: a write on a reader would bypass the writer mutex.
    if (!writer) db_.exec("PRAGMA query_only=ON");
    // After a burst the WAL file is cut back to this size when it restarts.
    if (writer) db_.exec("PRAGMA journal_size_limit=67108864");
}

Stmt Connection::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end())
        it = cache_.emplace(std::string(sql), std::make_unique<SQLite::Statement>(db_, std::string(sql))).first;
    return Stmt(*it->second);
}

Database::Database(DatabaseOptions options) : options_(std::move(options)) {
    try {
        prepare_file(options_.path);
        with_busy_retry(options_, [&] { writer_ = std::make_unique<Connection>(options_, true); });
        with_busy_retry(options_, [&] {
            const std::string mode = writer_->db().execAndGet("PRAGMA journal_mode=WAL").getString();
            if (mode != "wal")
                throw internal_error("session store: cannot enable WAL (journal_mode is " + mode + ")");
        });
        with_busy_retry(options_, [&] { migrate(writer_->db()); });
        checkpointer_ = std::make_unique<Checkpointer>(options_);
        checkpointer_->attach(writer_->db().getHandle());
    } catch (const Error& e) {
        throw Error(e.kind(), "cannot open session database " + options_.path.string() + ": " + e.what());
    }
}

Database::~Database() {
    if (checkpointer_) sqlite3_wal_hook(writer_->db().getHandle(), nullptr, nullptr);
    checkpointer_.reset();
}

void Database::run_write(const Body& body, Commit commit) {
    std::lock_guard lock(write_mutex_);
    Connection& c = *writer_;
    with_busy_retry(options_, [&] {
        c.exec("BEGIN IMMEDIATE");
        try {
            body(c);
            c.exec("COMMIT");
        } catch (...) {
            rollback_if_open(c);
            throw;
        }
    });
    ++commits_;
    if (commit == Commit::durable) sync_wal_locked();
}

void Database::sync() {
    std::lock_guard lock(write_mutex_);
    sync_wal_locked();
}

// The same fsync synchronous=FULL issues after each commit in WAL mode (xSync of the WAL file,
// which also syncs its directory after the file was created), issued only where asked for.
void Database::sync_wal_locked() {
    if (options_.durability != Durability::power_loss_safe) return;
    sqlite3_file* wal = nullptr;
    sqlite3* db = writer_->db().getHandle();
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK || !wal || !wal->pMethods)
        return;  // no WAL open: nothing was written through this connection
    const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK)
        throw internal_error(std::string("session store: cannot sync the write-ahead log: ") + sqlite3_errstr(rc));
    ++syncs_;
}

WriteStats Database::stats() const { return WriteStats{commits_.load(), syncs_.load()}; }

void Database::run_read(const Body& body) {
    struct Lease {
        Database& db;
        std::unique_ptr<Connection> c;
        ~Lease() { db.release_reader(std::move(c)); }
    } lease{*this, acquire_reader()};
    Connection& c = *lease.c;
    with_busy_retry(options_, [&] {
        c.exec("BEGIN");
        try {
            body(c);
            c.exec("COMMIT");
        } catch (...) {
            rollback_if_open(c);
            throw;
        }
    });
}

std::unique_ptr<Connection> Database::acquire_reader() {
    {
        std::lock_guard lock(pool_mutex_);
        if (!idle_readers_.empty()) {
            auto c = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return c;
        }
    }
    // Opened outside the lock; never waiting for a free reader means a visitor that calls back
    // into the store cannot deadlock the pool.
    std::unique_ptr<Connection> c;
    with_busy_retry(options_, [&] { c = std::make_unique<Connection>(options_, false); });
    return c;
}

void Database::release_reader(std::unique_ptr<Connection> c) {
    if (!c) return;
    std::lock_guard lock(pool_mutex_);
    if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(c));
}

int Database::schema_version() {
    return read([](Connection& c) { return c.db().execAndGet("PRAGMA user_version").getInt(); });
}

} // namespace gaggle::sqlite
