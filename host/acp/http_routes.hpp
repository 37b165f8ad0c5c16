#pragma once
// `/acp` on gaggle agent: ACP over streamable HTTP (POST for the client's messages, GET for the
// SSE streams ours come on, DELETE to end), as the ACP SDK's HTTP client speaks it, and over
// WebSocket (GET with `Upgrade: websocket`; one text frame per message), as its ws-client does. Behind the
// same X-Secret-Key auth as every route, and refused to any web page: a request that carries an
// Origin header must name an origin listed in the CORS setting ("*" does not count here).
#include "app/app_context.hpp"
#include "http/router.hpp"

#include <functional>

namespace gaggle::acp {

// Returns what the server's stop calls, after the HTTP server stopped and before the agent core
// goes: it closes the WebSocket connections (their turns cancelled) and joins their threads.
std::function<void()> register_http_routes(Router& router, AppContext& app);

} // namespace gaggle::acp
