#pragma once
// One SQLite database file shared by the SQLite-backed stores (sessions, plugin kv).
//
// Concurrency model: one writer connection behind a mutex, plus a pool of reader connections.
// WAL lets readers run beside the writer, each on its own snapshot. In-process writers queue
// on the mutex instead of on SQLite's lock, so "database is locked" cannot come from inside
// the process; against other processes (a second gaggle, the sqlite3 shell) every write
// transaction starts with BEGIN IMMEDIATE (takes the write lock up front, so it can never fail
// half-way) under busy_timeout, and the whole transaction is retried while SQLite reports
// BUSY. Callers only ever see gaggle::Error.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace gaggle::sqlite {

class Checkpointer;

enum class Durability {
    // A durable write fsyncs the WAL after its commit, so it is on disk when the call returns,
    // even across power loss or a kernel crash; a deferred write is made durable by the next
    // durable write or sync(). The default.
    power_loss_safe,
    // Nothing is fsynced on the commit path (only at checkpoints); survives a crash of the
    // process, may lose the last commits on power loss. For throwaway deployments.
    process_crash_safe,
};

// How one write transaction reaches the disk (see Database::write).
enum class Commit {
    durable,   // fsync of the WAL before the call returns (under power_loss_safe)
    deferred,  // in the OS page cache when the call returns: survives a crash of the process
};

// Commit-path counters, for benchmarks and tests (checkpoints are off the commit path).
struct WriteStats {
    std::uint64_t commits = 0;
    std::uint64_t syncs = 0;  // fsyncs of the WAL issued by durable writes and sync()
};

struct DatabaseOptions {
    std::filesystem::path path{};
    Durability durability = Durability::power_loss_safe;
    int busy_timeout_ms = 5000;                          // SQLite's own wait per attempt
    std::chrono::milliseconds give_up_after{60'000};     // our retry loop's overall limit
    std::size_t max_idle_readers = 4;                    // more are opened on demand
    int checkpoint_pages = 1000;                         // WAL size that starts a checkpoint
    // How often SqliteSessionStore indexes committed messages for search in the background;
    // zero: never (a search still indexes what waits first).
    std::chrono::milliseconds search_index_interval{1000};
};

// A cached prepared statement borrowed from a connection; reset and unbound when dropped so it
// never keeps a read snapshot open or leaks bindings into the next use.
class Stmt {
public:
    explicit Stmt(SQLite::Statement& s) : s_(&s) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt();
    SQLite::Statement* operator->() const { return s_; }
    SQLite::Statement& operator*() const { return *s_; }

private:
    SQLite::Statement* s_;
};

class Connection {
public:
    Connection(const DatabaseOptions& options, bool writer);
    SQLite::Database& db() { return db_; }
    // Prepared once per connection, then reused.
    Stmt prepare(std::string_view sql);
    void exec(const char* sql) { db_.exec(sql); }
    std::int64_t changes() const { return db_.getChanges(); }
    std::int64_t last_rowid() const { return db_.getLastInsertRowid(); }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    SQLite::Database db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>, Hash, std::equal_to<>> cache_;
};

class Database {
public:
    // Opens (creating the file, mode 0600, and its directory), applies pragmas and runs the
    // schema migrations. Throws gaggle::Error on failure, including a too-new schema.
    explicit Database(DatabaseOptions options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const DatabaseOptions& options() const { return options_; }

    // Runs body inside BEGIN IMMEDIATE … COMMIT on the writer connection. On SQLITE_BUSY the
    // transaction is rolled back and body runs again, so body must only touch the database and
    // its own locals. Any exception rolls back.
    //
    // Durability: the writer runs at synchronous=NORMAL, so COMMIT appends the transaction's
    // frames to the WAL without waiting for the disk; a durable write then fsyncs the WAL file.
    // That one fsync also makes every deferred commit before it durable: WAL frames are
    // appended in order to one file, and recovery replays frames only up to the first one whose
    // chained checksum fails, so after the fsync every earlier commit frame is on disk and valid.
    template <class F>
    auto write(F&& body, Commit commit = Commit::durable) {
        return run_typed(std::forward<F>(body), [this, commit](const Body& b) { run_write(b, commit); });
    }

    // Makes every commit so far durable (one fsync of the WAL; none under process_crash_safe).
    void sync();
    WriteStats stats() const;

    // Runs body on a reader connection inside one read transaction (a consistent snapshot).
    // Retried on BUSY like write(); in WAL mode that can only happen before the first row.
    template <class F>
    auto read(F&& body) {
        return run_typed(std::forward<F>(body), [this](const Body& b) { run_read(b); });
    }

    int schema_version();

private:
    using Body = std::function<void(Connection&)>;

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

    void run_write(const Body& body, Commit commit);
    void sync_wal_locked();
    void run_read(const Body& body);
    std::unique_ptr<Connection> acquire_reader();
    void release_reader(std::unique_ptr<Connection> c);

    DatabaseOptions options_;
    std::mutex write_mutex_;
    std::unique_ptr<Connection> writer_;
    std::unique_ptr<Checkpointer> checkpointer_;  // after writer_: stops before it closes
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<Connection>> idle_readers_;
    std::atomic<std::uint64_t> commits_{0}, syncs_{0};
};

} // namespace gaggle::sqlite
