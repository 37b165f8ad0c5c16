#pragma once
// One HTTP request to an MCP server and its response, read the way both HTTP transports need:
// an event stream (text/event-stream) is split into events as they arrive; any other body is
// collected, bounded. Never throws: every failure ends up in `failure`.
#include "gaggle_providers/http_client.hpp"
#include "gaggle_providers/sse_parser.hpp"

#include <functional>
#include <string>

namespace gaggle::http_transport {

struct Exchange {
    int status = 0;                // 0: no response arrived
    providers::Headers headers;
    std::string media_type;        // Content-Type lower-cased, without parameters
    std::string body;              // a body that is not an event stream (at most 64 MiB)
    std::string failure;           // why the response was not read to its end; empty when it was
    bool cancelled = false;        // stopped by the caller's cancel token, not by a failure
    std::size_t events = 0;        // events handed to on_event
    std::string last_event_id;     // the stream's last `id:` (to resume it)
    long retry_ms = -1;            // the stream's last `retry:` (-1: none)

    bool success() const { return status >= 200 && status < 300; }
    bool is_event_stream() const { return media_type == "text/event-stream"; }
};

struct ExchangeHandlers {
    // The status and headers, before any of the body (e.g. to keep a session id).
    std::function<void(const Exchange& head)> on_head;
    // One event of a 2xx event stream; an exception thrown here ends the exchange as a failure.
    std::function<void(const providers::SseEvent& event)> on_event;
};

Exchange exchange(const providers::HttpClient& http, const providers::HttpRequest& request,
                  const ExchangeHandlers& handlers, const sdk::Cancel& cancel);

// "HTTP 401 from <url>: <the server's message>" for a response that is not a success.
std::string describe_http_error(const Exchange& exchange, const std::string& url);

} // namespace gaggle::http_transport
