#pragma once
// Taking a request's connection over as a WebSocket (RFC 6455). The handshake is checked here, so
// a bad one is an ordinary 400 with a message; a good one is answered 101 and the socket leaves
// the HTTP session (as a handed-off stream's does): the connection loop sends nothing more and
// its worker thread goes back to the pool. Whoever gets the socket owns it and its client slot.
#include <Poco/Net/WebSocket.h>

#include <memory>

namespace gaggle {

class Request;
class Response;

// True when the request asks to upgrade to a WebSocket (Connection: upgrade, Upgrade: websocket).
bool wants_websocket(Request& req);

// Throws gaggle::Error(invalid_argument) with what is wrong when the handshake is not RFC 6455's
// version 13 with a key (called by accept(); callers may check before they set headers).
void check_websocket_handshake(const Request& req);

struct WebSocketUpgrade {
    Poco::Net::WebSocket socket;
    std::shared_ptr<void> client_slot; // held while the socket is open (the per-client cap)

    // Answers 101 with the headers already set on `res` and returns the socket. Throws
    // gaggle::Error: invalid_argument as check_websocket_handshake(), unavailable when the server
    // is not running the connection loop (shutting down).
    static WebSocketUpgrade accept(Request& req, Response& res);
};

} // namespace gaggle
