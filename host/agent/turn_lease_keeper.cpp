#include "agent/turn_lease_keeper.hpp"

#include "common/error.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <vector>

#include <unistd.h>

namespace gaggle {

namespace {

// hostname:pid:random, so logs and the lease table say which instance holds what, and a
// restarted process (same pid after a container restart) never mistakes an old lease for its own.
std::string make_instance_id() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::random_device rd;
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
    return std::string(host) + ":" + std::to_string(::getpid()) + ":" + suffix;
}

} // namespace

TurnLeaseKeeper::TurnLeaseKeeper(TurnLeases& leases, std::chrono::milliseconds ttl)
    : leases_(leases), ttl_(ttl), instance_(make_instance_id()), renewer_([this] { renew_loop(); }) {}

TurnLeaseKeeper::~TurnLeaseKeeper() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    renewer_.join();
    std::lock_guard lock(mutex_);
    for (const auto& [session, turns] : held_) release_quietly(session);
}

void TurnLeaseKeeper::take(const std::string& session_id) {
    std::lock_guard lock(mutex_);
    if (!leases_.acquire(session_id, instance_, ttl_))
        throw conflict("a turn is already running in this session on another instance; wait for it to finish");
    ++held_[session_id];
}

void TurnLeaseKeeper::give_back(const std::string& session_id) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(session_id);
    if (it == held_.end() || --it->second > 0) return;
    held_.erase(it);
    release_quietly(session_id);
}

void TurnLeaseKeeper::release_quietly(const std::string& session_id) {
    try {
        leases_.release(session_id, instance_);
    } catch (const std::exception& e) {
        spdlog::warn("turn lease of session {} not given back ({}); it expires by itself", session_id, e.what());
    }
}

void TurnLeaseKeeper::renew_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // A third of the lifetime: two renewals may fail (a database blip) before a lease lapses.
        wake_.wait_for(lock, ttl_ / 3, [&] { return stopping_; });
        if (stopping_) break;
        std::vector<std::string> sessions;
        for (const auto& [session, turns] : held_) sessions.push_back(session);
        lock.unlock();
        for (const auto& session : sessions) {
            std::lock_guard one(mutex_);
            if (!held_.count(session)) continue;  // its turn ended meanwhile
            try {
                if (!leases_.acquire(session, instance_, ttl_))
                    spdlog::error("turn lease of session {} was taken by another instance while its turn ran here", session);
            } catch (const std::exception& e) {
                spdlog::warn("turn lease of session {} not renewed: {}", session, e.what());
            }
        }
        lock.lock();
    }
}

} // namespace gaggle
