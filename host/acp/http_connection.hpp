#pragma once
// One ACP client over HTTP (`/acp` on gaggle agent, the SDK's streamable HTTP transport): the
// client POSTs its messages; ours go out on SSE streams it opens with GET, one for the connection
// and one per session (Acp-Session-Id). This class is the Outbox that sorts our messages onto
// those streams, holding them until the stream is open.
#include "acp/connection.hpp"
#include "http/stream_writer.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle::acp {

// The text waiting for one SSE stream, and the wake of the stream reading it (if one is open).
struct SseQueue {
    std::mutex mutex;
    std::string text;
    bool attached = false;
    bool closed = false;
    std::function<void()> wake;
};

class HttpConnection final : public Outbox {
public:
    HttpConnection(AppContext& app, std::string id, std::string owner);
    ~HttpConnection() override;

    const std::string& id() const noexcept { return id_; }
    const std::string& owner() const noexcept { return owner_; }

    // The initialize POST: its answer is returned here rather than streamed (no stream exists yet).
    Json initialize(const std::string& body, const Json& request_id);
    // Any later POST: the answer, if any, goes to a stream.
    void post(const std::string& body, const Json& parsed);
    // A feed for GET /acp (key "" for the connection stream, else a session id); nullptr when a
    // stream for that key is already open.
    std::unique_ptr<StreamFeed> open_stream(const std::string& key);
    // True while the client reads one of our streams: the SDK keeps the connection's stream open
    // for the life of the connection, so a connection without one is a client that left.
    bool has_open_stream();
    // DELETE /acp, or the server stopping: turns cancelled and waited for, streams ended.
    void close();

    void send(const Json& message) override;

private:
    std::shared_ptr<SseQueue> queue(const std::string& key);

    const std::string id_, owner_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<SseQueue>> queues_;
    std::map<std::string, std::string> request_sessions_; // a client request's id -> its session
    bool capturing_ = false;
    Json capture_id_;
    std::optional<Json> captured_;
    std::unique_ptr<Connection> connection_; // last: its turns send through this until closed
};

} // namespace gaggle::acp
