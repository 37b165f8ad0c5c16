#include "store/sqlite_search_indexer.hpp"

#include "store/sqlite_search.hpp"

#include <spdlog/spdlog.h>

namespace gaggle::sqlite {

SearchIndexer::SearchIndexer(Database& db, std::chrono::milliseconds interval)
    : db_(db), interval_(interval), thread_([this] { run(); }) {}

SearchIndexer::~SearchIndexer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SearchIndexer::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            index_all_pending_messages(db_);
        } catch (const std::exception& e) {
            // The messages stay pending: the next round, or the next search, indexes them.
            spdlog::warn("search index: indexing new messages failed: {}", e.what());
        }
        lock.lock();
    }
}

} // namespace gaggle::sqlite
