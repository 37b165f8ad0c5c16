#include "http/websocket_upgrade.hpp"

#include "common/error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/stream_handoff.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace gaggle {
bool wants_websocket(Request& req)
{
    return req.raw().hasToken("Connection", "upgrade") && Poco::icompare(req.header("Upgrade"), "websocket") == 0;
}

void check_websocket_handshake(const Request& req)
{
    if (req.header("Sec-WebSocket-Version") != "13")
        throw invalid_argument("WebSocket upgrade needs `Sec-WebSocket-Version: 13`");
    if (req.header("Sec-WebSocket-Key").empty()) throw invalid_argument("WebSocket upgrade needs a `Sec-WebSocket-Key` header");
}

WebSocketUpgrade WebSocketUpgrade::accept(Request& req, Response& res)
{
    StreamHandOff* handoff = StreamHandOff::current();
    if (!handoff || !dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req.raw()))
        throw Error(ErrorKind::unavailable, "WebSocket connections are not available (the server is stopping)");
    if (res.sent()) throw internal_error("response already sent");
    check_websocket_handshake(req);
    // Poco checks the same, sends 101 with Sec-WebSocket-Accept and detaches the socket from the
    // HTTP session; from here on the connection loop must leave that socket alone.
    Poco::Net::WebSocket socket(req.raw(), res.raw());
    handoff->taken_ = true;
    return {std::move(socket), handoff->client_slot_};
}

} // namespace gaggle
