#include "net/connection_pool.hpp"

#include <poll.h>

namespace gaggle::net {
namespace {

// An idle connection must have nothing to read: a readable one was closed by the peer (EOF or
// reset) or carries bytes nobody asked for. Either way it cannot take a request.
bool quiet(const Poco::Net::StreamSocket& socket)
{
    pollfd p{socket.impl()->sockfd(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

} // namespace

ConnectionPool& ConnectionPool::instance()
{
    static ConnectionPool pool;
    return pool;
}

void ConnectionPool::drop_expired(std::chrono::steady_clock::time_point now)
{
    for (auto it = idle_.begin(); it != idle_.end();) {
        auto& queue = it->second;
        while (!queue.empty() && now - queue.front().since > max_idle) {
            queue.pop_front(); // the oldest first: queues are in the order connections came back
            --total_;
        }
        it = queue.empty() ? idle_.erase(it) : std::next(it);
    }
}

std::optional<Poco::Net::StreamSocket> ConnectionPool::take(const std::string& origin)
{
    std::lock_guard lock(mutex_);
    drop_expired(std::chrono::steady_clock::now());
    auto it = idle_.find(origin);
    while (it != idle_.end() && !it->second.empty()) {
        Idle idle = std::move(it->second.back());
        it->second.pop_back();
        --total_;
        if (quiet(idle.socket)) return std::move(idle.socket);
    }
    return std::nullopt;
}

void ConnectionPool::give_back(const std::string& origin, Poco::Net::StreamSocket socket)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    drop_expired(now);
    auto& queue = idle_[origin];
    if (queue.size() >= max_per_origin || total_ >= max_total) {
        if (queue.empty()) idle_.erase(origin);
        return; // `socket` closes as it goes out of scope
    }
    queue.push_back(Idle{std::move(socket), now});
    ++total_;
}

void ConnectionPool::clear()
{
    std::lock_guard lock(mutex_);
    idle_.clear();
    total_ = 0;
}

std::size_t ConnectionPool::idle_count() const
{
    std::lock_guard lock(mutex_);
    return total_;
}

} // namespace gaggle::net
