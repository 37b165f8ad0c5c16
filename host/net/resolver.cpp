#include "net/resolver.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace gaggle::net {
namespace {

Resolved lookup(const std::string& host, unsigned port)
{
    Resolved r;
    try {
        r.address = Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port));
        r.status = ResolveStatus::ok;
    } catch (const Poco::Exception& e) {
        r.message = "could not resolve " + host + ": " + e.displayText();
    } catch (const std::exception& e) {
        r.message = "could not resolve " + host + ": " + e.what();
    }
    return r;
}

// Shared by the caller and the helper thread; whoever leaves last frees it.
struct Pending {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<Resolved> result;
};

} // namespace

Resolved resolve(const std::string& host, unsigned port, std::chrono::milliseconds timeout,
                 const std::function<bool()>& cancelled)
{
    Poco::Net::IPAddress numeric;
    if (Poco::Net::IPAddress::tryParse(host, numeric)) return lookup(host, port);

    auto pending = std::make_shared<Pending>();
    std::thread([pending, host, port] {
        Resolved r = lookup(host, port);
        std::lock_guard lock(pending->mutex);
        pending->result = std::move(r);
        pending->done.notify_all();
    }).detach();

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(pending->mutex);
    while (!pending->result) {
        if (cancelled && cancelled()) return {ResolveStatus::cancelled, {}, "cancelled"};
        if (std::chrono::steady_clock::now() >= deadline)
            return {ResolveStatus::timeout, {}, "resolving " + host + " timed out after " + std::to_string(timeout.count()) + " ms"};
        pending->done.wait_for(lock, std::chrono::milliseconds(20));
    }
    return *pending->result;
}

} // namespace gaggle::net
