#pragma once
// The gate between a remote server and the host: every message text an HTTP transport receives
// passes here. Text nested too deep or not JSON is dropped (with the reason kept for the error the
// waiting request gets), never handed on; what passes goes to the host's sink, one call at a time,
// and never after the connection began closing.
#include <gaggle/cpp/plugin.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace gaggle::http_transport {

using Json = nlohmann::json;

// What one response stream is waiting for, and what became of it.
struct Awaited {
    Json id;                // the request's id; null for a stream that answers nothing (GET)
    bool answered = false;  // a response with that id went to the host
    std::string rejection;  // why the last refused message was refused
};

class InboundMessages {
public:
    InboundMessages(sdk::Host host, sdk::FrameSink sink) : host_(host), sink_(sink) {}

    // [thread-safe] Checks `text` and hands it to the host; `before` (may be empty) sees the parsed
    // message first, so state the host's next request depends on is in place when it is sent.
    // False when the message was refused (awaited.rejection says why) or the connection is closing.
    bool deliver(std::string_view text, Awaited& awaited, const std::function<void(const Json&)>& before = {});
    // [thread-safe] Ends the request `id` with a JSON-RPC error the host reads like any other, so
    // a broken server fails the call at once with a reason instead of at its timeout.
    // `not_delivered`: the server refused the request unread (its session had ended); the error
    // then carries data {"notDelivered": true} (transport.h), and the host may send it again.
    void fail(const Json& id, const std::string& message, bool not_delivered = false);
    // [thread-safe] The connection ended by itself; reported at most once.
    void closed(const std::string& reason);
    // [thread-safe] No sink call starts after this returns (one running on another thread ends
    // first; one on this thread is the caller's own).
    void shut();
    bool is_shut() const;

private:
    sdk::Host host_;
    sdk::FrameSink sink_;
    mutable std::recursive_mutex mutex_; // held across sink calls: they never overlap
    bool shut_ = false;
    bool closed_reported_ = false;
};

} // namespace gaggle::http_transport
