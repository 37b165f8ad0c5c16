#include "store/sqlite_checkpointer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <memory>

namespace gaggle::sqlite {

Checkpointer::Checkpointer(const DatabaseOptions& options)
    : options_(options), threshold_pages_(std::max(1, options.checkpoint_pages)), inline_pages_(4 * threshold_pages_) {
    thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void Checkpointer::attach(sqlite3* writer) {
    sqlite3_wal_autocheckpoint(writer, 0);
    sqlite3_wal_hook(writer, &Checkpointer::on_commit, this);
}

// Runs on the committing writer's thread after each commit (the write lock is released, the
// store's writer mutex still held); normally it only flags the work.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
    auto* c = static_cast<Checkpointer*>(self);
    if (wal_pages < c->last_pages_) c->backfilled_.store(0);  // the WAL restarted
    c->last_pages_ = wal_pages;
    if (wal_pages < c->threshold_pages_) return SQLITE_OK;

    const int behind = wal_pages - c->backfilled_.load();
    if (wal_pages >= c->inline_pages_) {
        // PASSIVE never waits on SQLite locks, so the background side always finishes and
        // releases this mutex; then nothing else writes while the inline checkpoint runs.
        std::lock_guard guard(c->checkpoint_mutex_);
        c->checkpoint(db, schema);
    } else if (behind >= 0 && behind <= catch_up_pages) {
        std::unique_lock guard(c->checkpoint_mutex_, std::try_to_lock);
        if (guard) c->checkpoint(db, schema);
    } else {
        {
            std::lock_guard lock(c->mutex_);
            c->requested_ = true;
        }
        c->wake_.notify_one();
    }
    return SQLITE_OK;
}

// PASSIVE never waits for readers or writers; what it cannot copy now is copied the next time.
// Failures (busy, I/O) are retried at the next commit past the threshold, and the last
// connection to close checkpoints everything anyway.
void Checkpointer::checkpoint(sqlite3* db, const char* schema) {
    int log = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) == SQLITE_OK)
        backfilled_.store(copied);
}

void Checkpointer::run() {
    std::unique_ptr<Connection> conn;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return requested_ || stopping_; });
        if (stopping_) return;
        requested_ = false;
        lock.unlock();
        try {
            if (!conn) conn = std::make_unique<Connection>(options_, false);
            std::lock_guard guard(checkpoint_mutex_);
            checkpoint(conn->db().getHandle(), nullptr);
        } catch (...) {
            conn.reset();
        }
        lock.lock();
    }
}

} // namespace gaggle::sqlite
