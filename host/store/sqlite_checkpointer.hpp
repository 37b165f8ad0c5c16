#pragma once
// Moves WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside whichever
// commit pushes the WAL past its threshold, adding a copy of ~4 MB (and, with
// synchronous=FULL, an fsync of the database file) to that one caller's latency: the append
// p99. Instead the writer's WAL hook wakes this thread, which checkpoints on its own connection
// while writers and readers carry on (WAL allows that).
#include "store/sqlite_database.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace gaggle::sqlite {

class Checkpointer {
public:
    explicit Checkpointer(const DatabaseOptions& options);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Takes over checkpointing for the writer connection (disables its automatic checkpoint).
    void attach(sqlite3* writer);

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void checkpoint(sqlite3* db, const char* schema);
    void run();

    DatabaseOptions options_;
    // options.checkpoint_pages wakes the thread. The WAL restarts (reuses its file from the
    // start) only when a write begins on a fully copied WAL, which a background checkpoint racing
    // a stream of writes rarely leaves behind. So once the background has copied all but a few
    // pages, the committing writer copies the rest itself (cheap) and the next write restarts
    // the WAL. If it still reaches four times the threshold, the writer waits for any running
    // checkpoint and checkpoints inline, as SQLite always would: that bounds the file.
    static constexpr int catch_up_pages = 64;
    int threshold_pages_;
    int inline_pages_;
    std::atomic<int> backfilled_{0};  // WAL frames copied by the last checkpoint (either side)
    int last_pages_ = 0;              // WAL size at the previous commit; writer thread only
    std::mutex checkpoint_mutex_;     // held while either side checkpoints
    std::mutex mutex_;             // guards requested_ / stopping_
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gaggle::sqlite
