// GET /openapi.json: public, like upstream's generated document.
#include "api/openapi_document.hpp"
#include "api/routes.hpp"

#include <mutex>

namespace gaggle {

void register_openapi_routes(Router& router, AppContext& app)
{
    struct Cache {
        std::once_flag once;
        std::string body;
    };
    auto cache = std::make_shared<Cache>();
    router.add(
        "GET", "/openapi.json",
        [&app, cache](Request&, Response& res) {
            // Built on first use (routes are all registered by then), then served from memory.
            std::call_once(cache->once, [&] { cache->body = build_openapi_document(app.router).dump(); });
            res.json_text(cache->body);
        },
        RouteOptions{.auth = false});
}

} // namespace gaggle
