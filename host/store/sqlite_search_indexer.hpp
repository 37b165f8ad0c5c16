#pragma once
// Keeps the search index close behind the messages. Since schema v4 a committed message waits in
// messages_fts_pending; every `interval` this thread indexes whatever waits (written by any
// process on the file), in batches, each its own write transaction that does not wait for the
// disk. A search catches up by itself before it reads, so this only keeps that catch-up short
// and off the request path. Internal to SqliteSessionStore.
#include "store/sqlite_database.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gaggle::sqlite {

class SearchIndexer {
public:
    // `db` must outlive this object.
    SearchIndexer(Database& db, std::chrono::milliseconds interval);
    ~SearchIndexer();
    SearchIndexer(const SearchIndexer&) = delete;
    SearchIndexer& operator=(const SearchIndexer&) = delete;

private:
    void run();

    Database& db_;
    const std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gaggle::sqlite
