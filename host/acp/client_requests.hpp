#pragma once
// Requests from the agent to the ACP client that a waiting thread needs the answer to (fs/*,
// terminal/*): sent through the Outbox, answered when the client's response comes in through the
// Connection. Their ids are strings ("gaggle-<n>"), apart from the permission requests' numbers.
//
// Threads: call() blocks the calling thread (a tool call's); deliver() and close() come from the
// transport's reader and never block on a caller.
#include "acp/jsonrpc.hpp"
#include "acp/outbox.hpp"
#include "agent/cancel_token.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace gaggle::acp {

// Why a client request got no result, with the client's own error message when it refused.
class ClientCallFailed : public std::runtime_error {
public:
    enum class Why { refused, cancelled, timed_out, gone };
    ClientCallFailed(const std::string& what, Why why) : std::runtime_error(what), why_(why) {}
    Why why() const noexcept { return why_; }
    bool cancelled() const noexcept { return why_ == Why::cancelled; }

private:
    Why why_;
};

class ClientRequests {
public:
    explicit ClientRequests(Outbox& out) : out_(out) {}

    // Sends `method` with `params` and waits for the result. Throws ClientCallFailed on an error
    // answer, when `cancel` is set (nullptr: never), after `timeout`, or when the connection closes.
    Json call(const std::string& method, Json params, const CancelToken* cancel, std::chrono::milliseconds timeout);
    // Sends `method` and does not wait: its answer is dropped. For clean-up after a cancellation,
    // when the thread that reads the client's answers may itself be waiting for this turn to end.
    void send_only(const std::string& method, Json params);
    // A response from the client: true when it answered one of ours (and so was consumed).
    bool deliver(const Incoming& response);
    // The client is gone: every waiting call fails, and later calls fail at once.
    void close();

private:
    struct Pending {
        bool done = false;
        Json result;
        std::optional<std::string> error;
    };
    Outbox& out_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, std::shared_ptr<Pending>> pending_;
    std::uint64_t next_id_ = 1;
    bool closed_ = false;
};

} // namespace gaggle::acp
