#pragma once
// Name resolution that a caller can give up on. getaddrinfo blocks and cannot be interrupted, so
// names are resolved on a helper thread while the caller waits with a deadline and its cancel
// flag; a lookup that outlives its caller finishes in the background and is discarded.
#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <functional>
#include <string>

namespace gaggle::net {

enum class ResolveStatus { ok, failed, timeout, cancelled };

struct Resolved {
    ResolveStatus status = ResolveStatus::failed;
    Poco::Net::SocketAddress address;
    std::string message;
};

// Numeric addresses resolve at once, on the calling thread.
Resolved resolve(const std::string& host, unsigned port, std::chrono::milliseconds timeout,
                 const std::function<bool()>& cancelled);

} // namespace gaggle::net
