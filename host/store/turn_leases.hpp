#pragma once
// Which instance runs a session's turn, when several instances share one database. A lease is a
// row (session, holder, expiry): the holder renews it while its turn runs and gives it back at
// the end; when the holder dies, the lease expires and another instance may take the session.
// Thread-safe; every call is one short transaction.
#include <chrono>
#include <string>

namespace gaggle {

class TurnLeases {
public:
    virtual ~TurnLeases() = default;
    // Takes the session's lease for `holder` until now + ttl, or extends it when holder already
    // has it. false when another holder's lease has not expired.
    virtual bool acquire(const std::string& session_id, const std::string& holder, std::chrono::milliseconds ttl) = 0;
    // Gives the lease back; nothing when holder does not hold it.
    virtual void release(const std::string& session_id, const std::string& holder) = 0;
};

} // namespace gaggle
