#pragma once
// SessionStore on an embedded SQLite database. Map of the engine:
//   sqlite_database      connections, transactions, retry on BUSY (the concurrency model)
//   sqlite_checkpointer  WAL checkpoints off the commit path
//   migrations           the numbered schema steps
//   sqlite_session_rows / sqlite_message_rows   row access shared by the operations
//   sqlite_search        the two-step full-text search plan, and indexing pending messages
//   sqlite_search_indexer  indexing them in the background
//   sqlite_session_store.cpp (session operations), sqlite_session_messages.cpp (message ones)
#include "store/session_store.hpp"
#include "store/sqlite_database.hpp"
#include "store/sqlite_search_indexer.hpp"
#include "store/store_clock.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace gaggle {

class SqliteSessionStore final : public SessionStore {
public:
    // The database may be shared with other SQLite-backed services (SqliteKvStore).
    explicit SqliteSessionStore(std::shared_ptr<sqlite::Database> db, StoreClock clock = {});

    // Convenience: opens (creating and migrating) the database at options.path.
    static std::unique_ptr<SqliteSessionStore> open(const sqlite::DatabaseOptions& options,
                                                    StoreClock clock = {});

    const std::shared_ptr<sqlite::Database>& database() const { return db_; }

    SessionInfo create_session(const NewSession& session) override;
    SessionInfo get_session(const std::string& owner, const std::string& id) override;
    LoadedSession load_session(const std::string& owner, const std::string& id) override;
    SessionPage list_sessions(const std::string& owner, const ListQuery& query) override;
    std::int64_t count_sessions(const std::string& owner) override;
    void delete_session(const std::string& owner, const std::string& id) override;
    SessionInfo rename_session(const std::string& owner, const std::string& id,
                               const std::string& name) override;
    SessionInfo update_session(const std::string& owner, const std::string& id,
                               const SessionPatch& patch) override;
    SessionInfo set_archived(const std::string& owner, const std::string& id, std::optional<std::int64_t> at_ms) override;
    SessionInfo add_token_usage(const std::string& owner, const std::string& id,
                                const TokenUsage& usage) override;
    std::int64_t append_message(const std::string& owner, const std::string& id,
                                const Json& message) override;
    std::int64_t append_messages(const std::string& owner, const std::string& id,
                                 std::span<const Json> messages) override;
    SessionCounters apply_turn_step(const std::string& owner, const std::string& id,
                                const TurnStep& step) override;
    void sync() override;
    void for_each_message(const std::string& owner, const std::string& id,
                          const MessageVisitor& visit) override;
    std::vector<std::string> load_messages(const std::string& owner, const std::string& id) override;
    std::int64_t hide_from_agent_and_append(const std::string& owner, const std::string& id,
                                            std::span<const Json> summary) override;
    void replace_conversation(const std::string& owner, const std::string& id,
                              std::span<const Json> messages) override;
    std::int64_t truncate_messages(const std::string& owner, const std::string& id,
                                   std::int64_t from_created) override;
    SessionInfo fork_session(const std::string& owner, const std::string& id,
                             const ForkOptions& options) override;
    SessionInfo import_session(const std::string& owner, const SessionInfo& meta,
                               std::span<const Json> messages) override;
    std::vector<SessionInfo> search(const std::string& owner, const SearchQuery& query) override;
    SessionInsights insights(const std::string& owner) override;

private:
    std::shared_ptr<sqlite::Database> db_;
    StoreClock clock_;
    std::unique_ptr<sqlite::SearchIndexer> indexer_; // after db_: stops before it closes
};

} // namespace gaggle
