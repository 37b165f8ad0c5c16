#pragma once
// One connection to an MCP server over the legacy HTTP+SSE transport (MCP 2024-11-05), so old
// `type: sse` configs keep working: a GET of the configured URL opens an event stream whose first
// event (`endpoint`) names where to POST; every frame is POSTed there (the server answers 202) and
// everything the server says, answers included, arrives as `message` events on the stream. When
// the stream ends the connection is over (the host starts a new one on next use).
//
// The endpoint must be on the configured server's origin: a stream cannot send our requests (and
// their headers, Authorization included) elsewhere.
#include "background_tasks.hpp"
#include "http_endpoint.hpp"
#include "http_exchange.hpp"
#include "inbound_messages.hpp"
#include "stop_flag.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace gaggle::http_transport {

class LegacySseConnection final : public sdk::Connection {
public:
    // Opens the stream and waits (up to the connect timeout) for the endpoint event; throws
    // sdk::Error with the reason when there is none.
    LegacySseConnection(const sdk::Host& host, Endpoint endpoint, sdk::FrameSink sink);
    ~LegacySseConnection() override;

    // [thread-safe] POSTs the frame; the answer arrives on the stream.
    void send(std::string_view frame_json) override;

private:
    void read_stream();
    void on_event(const providers::SseEvent& event);
    void stream_ended(const std::string& reason);

    sdk::Host host_;
    providers::HttpClient http_;
    const Endpoint endpoint_;
    InboundMessages inbound_;
    std::atomic<bool> closing_{false};

    std::mutex mutex_;
    std::condition_variable changed_;
    std::string post_url_;  // from the endpoint event; empty until then
    std::string failure_;   // why the stream ended before (or after) the endpoint came
    bool ended_ = false;

    BackgroundTasks tasks_; // last: joined first
};

// The URL an `endpoint` event names, resolved against the stream's URL; empty when it points to
// another origin (scheme, host or port) or is not a URL at all.
std::string resolve_endpoint(const std::string& stream_url, std::string_view endpoint);

} // namespace gaggle::http_transport
