#pragma once
// SessionStore on PostgreSQL, for several gaggle instances sharing one database. Map of the
// engine:
//   pg_connection     libpq calls, prepared statements, error mapping
//   pg_database       the connection pool, transactions, retry and reconnect
//   pg_migrations     the numbered schema steps (mirroring SQLite's)
//   pg_session_rows   row access shared by the operations
//   pg_session_store.cpp (session operations), pg_session_messages.cpp (message ones)
//
// Differences from the SQLite engine a caller can see: text may not hold NUL characters (the
// call fails with Error(invalid_argument)); for_each_message reads the conversation in one
// statement and visits it after the connection is back in the pool (one snapshot, and a
// visitor calling the store never needs a second connection; the conversation is in memory
// for the walk); search folds case and diacritics of Latin letters only (SQLite: every
// script's).
#include "store/pg_database.hpp"
#include "store/session_store.hpp"
#include "store/store_clock.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace gaggle {

class PgSessionStore final : public SessionStore {
public:
    // The database may be shared with other PostgreSQL-backed services (PgKvStore).
    explicit PgSessionStore(std::shared_ptr<pg::Database> db, StoreClock clock = {});

    const std::shared_ptr<pg::Database>& database() const { return db_; }

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
    std::shared_ptr<pg::Database> db_;
    StoreClock clock_;
};

} // namespace gaggle
