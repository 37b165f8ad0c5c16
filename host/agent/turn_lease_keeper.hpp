#pragma once
// Holds this instance's turn leases (store/turn_leases.hpp) while its turns run: takes a
// session's lease when a turn starts (refusing the turn with conflict when another instance
// runs one), renews every held lease in the background well before it expires, and gives it
// back when the turn ends. An instance that dies stops renewing; its leases expire after `ttl`
// and another instance may then run the session's turns.
#include "store/turn_leases.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <map>
#include <string>
#include <thread>

namespace gaggle {

class TurnLeaseKeeper {
public:
    // Starts the renewing thread. ttl: how long a dead instance blocks its sessions.
    TurnLeaseKeeper(TurnLeases& leases, std::chrono::milliseconds ttl);
    // Stops renewing and gives back every lease still held.
    ~TurnLeaseKeeper();
    TurnLeaseKeeper(const TurnLeaseKeeper&) = delete;
    TurnLeaseKeeper& operator=(const TurnLeaseKeeper&) = delete;

    // [any thread, blocking: one database statement] Throws Error(conflict) when another
    // instance holds the session's lease; database trouble propagates (503).
    void take(const std::string& session_id);
    // [any thread, blocking] Never throws: a lease that cannot be given back expires.
    void give_back(const std::string& session_id);

    const std::string& instance_id() const { return instance_; }

private:
    void renew_loop();
    void release_quietly(const std::string& session_id);  // mutex_ held

    TurnLeases& leases_;
    const std::chrono::milliseconds ttl_;
    const std::string instance_;
    // Held across each lease statement too: a give_back and a take of one session by two turns
    // of this instance (the next turn starting as the last one ends) never cross.
    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, int> held_;  // session -> turns of it here holding the lease
    bool stopping_ = false;
    std::thread renewer_;  // last: starts once the rest is ready
};

} // namespace gaggle
