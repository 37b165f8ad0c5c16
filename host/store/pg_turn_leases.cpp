#include "store/pg_turn_leases.hpp"

namespace gaggle {

using pg::Connection;
using pg::Params;

bool PgTurnLeases::acquire(const std::string& session_id, const std::string& holder, std::chrono::milliseconds ttl) {
    // One statement: insert, or take over an expired lease, or extend our own. When another
    // holder's lease is live the conflict update does nothing and no row comes back.
    return db_->write(
        [&](Connection& c) {
            return c.exec("INSERT INTO turn_leases (session_id, holder, expires_at) "
                          "VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond') "
                          "ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                          "WHERE turn_leases.holder = excluded.holder OR turn_leases.expires_at <= clock_timestamp() "
                          "RETURNING holder",
                          Params().add(session_id).add(holder).add(static_cast<std::int64_t>(ttl.count())))
                       .rows() == 1;
        },
        pg::Commit::deferred);  // a lease lost in a database crash just expires sooner
}

void PgTurnLeases::release(const std::string& session_id, const std::string& holder) {
    db_->write([&](Connection& c) {
        c.exec("DELETE FROM turn_leases WHERE session_id = $1 AND holder = $2", Params().add(session_id).add(holder));
    }, pg::Commit::deferred);
}

} // namespace gaggle
