#pragma once
// One connection to an MCP server over Streamable HTTP (MCP 2025-03-26 and later): every frame
// the host sends is POSTed; the server answers a request with JSON or with an event stream that
// may carry its own requests and notifications first. The session id the server assigns at
// initialize goes on every later request, with the negotiated MCP-Protocol-Version; a GET stream
// carries what the server sends unasked; a stream that ends early is resumed with Last-Event-ID
// after the server's `retry:`; closing DELETEs the session.
//
// A server that breaks the protocol (wrong content type, JSON that is not JSON, nesting beyond
// the SDK's limit, a dropped connection, an HTTP error) fails the request it was answering with
// a JSON-RPC error naming what happened; the host never sees the bad bytes.
#include "background_tasks.hpp"
#include "http_endpoint.hpp"
#include "http_exchange.hpp"
#include "inbound_messages.hpp"
#include "stop_flag.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

namespace gaggle::http_transport {

class StreamableHttpConnection final : public sdk::Connection {
public:
    StreamableHttpConnection(const sdk::Host& host, Endpoint endpoint, sdk::FrameSink sink);
    ~StreamableHttpConnection() override;

    // [thread-safe] Starts the POST and returns; the answer arrives through the sink.
    void send(std::string_view frame_json) override;

private:
    // POSTs one frame. A request's outcome goes to the host as its answer; for anything else the
    // problem is returned (empty: accepted).
    std::string post(const std::string& frame, const Json& message);
    void finish_request(const Json& message, const Exchange& response, Awaited& awaited);
    void start_listening();
    void resume(Awaited& awaited, std::string last_event_id, long retry_ms);
    void listen();
    void mark_listen_answered();
    void accept_event(const providers::SseEvent& event, Awaited& awaited, bool initialize);
    void accept(std::string_view text, Awaited& awaited, bool initialize);
    void keep_session_id(const Exchange& head);
    providers::HttpRequest request(const char* method, bool event_stream_only) const;
    std::shared_ptr<StopFlag> track(const Json& id);
    void untrack(const Json& id);
    // Sleeps; false when the connection began closing meanwhile.
    bool pause(std::chrono::milliseconds duration);

    sdk::Host host_;
    providers::HttpClient http_;
    const Endpoint endpoint_;
    InboundMessages inbound_;

    std::atomic<bool> closing_{false};
    std::mutex pause_mutex_;
    std::condition_variable pause_cv_;

    mutable std::mutex state_mutex_;
    std::string session_id_;       // from the initialize response; empty: none
    std::string protocol_version_; // negotiated at initialize
    bool listening_ = false;       // the GET stream was started
    bool listen_answered_ = false; // its first GET has an answer (or failed)
    std::condition_variable listen_answered_cv_;
    std::map<std::string, std::shared_ptr<StopFlag>> in_flight_; // request id (as JSON) -> its transfer

    BackgroundTasks tasks_; // last: joined first, while everything above is still alive
};

} // namespace gaggle::http_transport
