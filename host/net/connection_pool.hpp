#pragma once
// Idle keep-alive connections of the outbound HTTP client, by origin (scheme://host:port), so a
// turn's next provider call (or an MCP server's next request) skips the TCP and TLS handshakes.
// Bounded: a few per origin, a few dozen in all, none older than `max_idle`. A connection is put
// back only after a response that left it clean (HttpResponseParser::reusable) and after its
// transfer's watchdog registration is gone; it is handed out only while the peer has not closed it
// or written to it. Thread-safe.
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle::net {

class ConnectionPool {
public:
    static constexpr std::size_t max_per_origin = 8;
    static constexpr std::size_t max_total = 64;
    static constexpr std::chrono::seconds max_idle{30};

    static ConnectionPool& instance();

    // The most recently used idle connection to `origin` that still looks open; nullopt for none.
    std::optional<Poco::Net::StreamSocket> take(const std::string& origin);
    // Keeps `socket` for the next request to `origin` (closes it when the pool is full).
    void give_back(const std::string& origin, Poco::Net::StreamSocket socket);
    // Closes every idle connection (tests; a configuration change).
    void clear();
    std::size_t idle_count() const;

private:
    struct Idle {
        Poco::Net::StreamSocket socket;
        std::chrono::steady_clock::time_point since;
    };
    void drop_expired(std::chrono::steady_clock::time_point now);

    mutable std::mutex mutex_;
    std::map<std::string, std::deque<Idle>> idle_;
    std::size_t total_ = 0;
};

} // namespace gaggle::net
