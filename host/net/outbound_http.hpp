#pragma once
// A blocking HTTP/1.1 client for outbound calls (LLM providers, remote MCP servers) that hands the
// response body over as it arrives. Connections are kept alive and reused (ConnectionPool): a
// turn's provider calls and an MCP server's requests skip the TCP and TLS handshakes. A request
// that fails on a reused connection before any byte of a response (the server closed it while
// idle) is sent once more on a new connection.
//
// Guarantees: the name lookup, the connect and the TLS handshake are each bounded by
// connect_timeout; the transfer fails with `timeout` when no byte moves for idle_timeout; a cancel flag raised from any
// thread closes the connection within about TransferWatchdog::tick and returns `cancelled`.
#include "net/http_response_parser.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace gaggle::net {

struct OutboundRequest {
    std::string method = "GET";
    std::string url;          // absolute http:// or https:// URL
    HeaderList headers;       // Host, Content-Length, Connection are set by the client
    std::string body;
    std::chrono::milliseconds connect_timeout{30'000}; // 0 or less: this default
    std::chrono::milliseconds idle_timeout{300'000};   // 0 or less: this default
};

struct OutboundHandlers {
    // Called once with the final status and headers; return false to abandon the transfer.
    std::function<bool(int status, const HeaderList& headers)> on_response;
    // Called with each piece of body as it arrives; return false to abandon the transfer.
    std::function<bool(std::string_view chunk)> on_data;
    // Polled from the watchdog thread; true once the caller wants the transfer stopped.
    std::function<bool()> cancelled;
};

enum class OutboundStatus {
    ok,               // a response was read to its end, whatever its HTTP status
    invalid_argument, // bad URL, method or header
    cancelled,        // the cancel flag, or a handler returned false
    timeout,          // connect or idle deadline missed
    network,          // DNS, connect, TLS, read/write failure, or a truncated response
};

struct OutboundResult {
    OutboundStatus status = OutboundStatus::ok;
    std::string message; // empty on success
};

// Perform `request`, streaming the response into `handlers`. Never throws.
OutboundResult perform(const OutboundRequest& request, const OutboundHandlers& handlers) noexcept;

} // namespace gaggle::net
