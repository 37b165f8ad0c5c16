#pragma once
// `/acp` on gaggle agent: ACP over streamable HTTP (POST for the client's messages, GET for the
// SSE streams ours come on, DELETE to end), as the ACP SDK's HTTP client speaks it. Behind the
// same X-Secret-Key auth as every route, and refused to any web page: a request that carries an
// Origin header must name an origin listed in the CORS setting ("*" does not count here).
#include "app/app_context.hpp"
#include "http/router.hpp"

namespace gaggle::acp {

void register_http_routes(Router& router, AppContext& app);

} // namespace gaggle::acp
