// GET /mcp-ui-proxy and GET /mcp-app-proxy: the sandbox shells the desktop frames extension UI in.
// An iframe cannot send X-Secret-Key, so these two take the key as `?secret=` instead (exactly as
// goosed does) and are otherwise outside the header check.
#include "api/routes.hpp"
#include "api/sandbox_pages.hpp"
#include "common/error.hpp"
#include "http/auth.hpp"

namespace gaggle {
namespace {

void check_query_secret(const Authenticator& auth, const Request& req)
{
    const auto secret = req.query("secret");
    if (!secret) throw invalid_argument("missing query parameter `secret`");
    if (!auth.user_for_key(*secret)) throw Error(ErrorKind::unauthorized, "Unauthorized");
}

} // namespace

void register_sandbox_routes(Router& router, const Authenticator& auth)
{
    const RouteOptions by_query{.auth = false};
    router.add(
        "GET", "/mcp-ui-proxy",
        [&auth](Request& req, Response& res) {
            check_query_secret(auth, req);
            res.text(mcp_ui_proxy_page(), 200, "text/html; charset=utf-8");
        },
        by_query);
    router.add(
        "GET", "/mcp-app-proxy",
        [&auth](Request& req, Response& res) {
            check_query_secret(auth, req);
            AppDomains domains;
            domains.connect = csp_sources(req.query("connect_domains").value_or(""));
            domains.resource = csp_sources(req.query("resource_domains").value_or(""));
            domains.frame = csp_sources(req.query("frame_domains").value_or(""));
            domains.base_uri = csp_sources(req.query("base_uri_domains").value_or(""));
            res.header("Referrer-Policy", "no-referrer");
            res.text(mcp_app_proxy_page(mcp_app_csp(domains)), 200, "text/html; charset=utf-8");
        },
        by_query);
}

} // namespace gaggle
