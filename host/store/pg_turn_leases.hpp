#pragma once
// TurnLeases in the `turn_leases` table of the PostgreSQL database. Expiry uses the database
// server's clock, so instances whose clocks disagree still agree on who holds a lease.
#include "store/pg_database.hpp"
#include "store/turn_leases.hpp"

#include <memory>

namespace gaggle {

class PgTurnLeases final : public TurnLeases {
public:
    explicit PgTurnLeases(std::shared_ptr<pg::Database> db) : db_(std::move(db)) {}
    bool acquire(const std::string& session_id, const std::string& holder, std::chrono::milliseconds ttl) override;
    void release(const std::string& session_id, const std::string& holder) override;

private:
    std::shared_ptr<pg::Database> db_;
};

} // namespace gaggle
