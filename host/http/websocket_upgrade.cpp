#include "http/websocket_upgrade.hpp"

#include "common/error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/stream_handoff.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace gaggle {
namespace {

// Whether a comma-separated header holds `token` (case-insensitive): "keep-alive, Upgrade".
bool has_token(const std::string& value, const std::string& token)
{
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        if (Poco::icompare(Poco::trim(value.substr(start, end - start)), token) == 0) return true;
        start = end + 1;
    }
    return false;
}

} // namespace

bool wants_websocket(const Request& req)
{
    return has_token(req.header("Connection"), "upgrade") && Poco::icompare(req.header("Upgrade"), "websocket") == 0;
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
