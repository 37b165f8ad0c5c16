#include "api/sandbox_pages.hpp"

#include <doctest/doctest.h>

using namespace gaggle;

TEST_CASE("sandbox CSP sources: plain sources kept, anything that could widen or break the policy dropped")
{
    using V = std::vector<std::string>;
    CHECK(csp_sources("") == V{});
    CHECK(csp_sources(" https://api.example.com , cdn.example.com,wss://live.example.com:8443 ") ==
          V{"https://api.example.com", "cdn.example.com", "wss://live.example.com:8443"});
    CHECK(csp_sources("*.example.com,http://localhost:3000/assets/v1.2/") == V{"*.example.com", "http://localhost:3000/assets/v1.2/"});
    // Keywords, wildcards, other schemes, directive breaks, quotes, markup and bad ports.
    CHECK(csp_sources("'unsafe-eval',*,https:,data:,javascript://x,a.com; script-src *,\"x.com\",<b>,a b.com,x.com:99999,x.com:,:80,,") == V{});
    CHECK(csp_sources("ftp://files.example.com,https://a.com/p?q=1,https://a.com/#x") == V{});

    std::string many;
    for (int i = 0; i < 100; ++i) many += "h" + std::to_string(i) + ".example.com,";
    CHECK(csp_sources(many).size() == 64);
    std::string long_host(300, 'a');
    long_host += ".com"; // appended: GCC 12's -Warray-bounds misfires on `+` with a temporary
    CHECK(csp_sources(long_host).empty());
}

TEST_CASE("the MCP App policy: nothing by default, the app's domains where they belong")
{
    const std::string none = mcp_app_csp({});
    CHECK(none.rfind("default-src 'none'", 0) == 0);
    CHECK(none.find("connect-src 'self';") != std::string::npos);
    CHECK(none.find("frame-src 'none'") != std::string::npos);
    CHECK(none.find("object-src 'none'") != std::string::npos);

    AppDomains d;
    d.connect = {"https://api.example.com"};
    d.resource = {"cdn.example.com"};
    d.frame = {"https://player.example.com"};
    d.base_uri = {"https://base.example.com"};
    const std::string csp = mcp_app_csp(d);
    CHECK(csp.find("connect-src 'self' https://api.example.com;") != std::string::npos);
    CHECK(csp.find("script-src 'self' 'unsafe-inline' cdn.example.com;") != std::string::npos);
    CHECK(csp.find("img-src 'self' data: blob: cdn.example.com;") != std::string::npos);
    CHECK(csp.find("frame-src https://player.example.com;") != std::string::npos);
    CHECK(csp.find("base-uri 'self' https://base.example.com") != std::string::npos);

    const std::string page = mcp_app_proxy_page(csp);
    CHECK(page.find("content=\"" + csp + "\"") != std::string::npos);
    CHECK(page.find("ui/notifications/sandbox-proxy-ready") != std::string::npos);
    CHECK(std::string(mcp_ui_proxy_page()).find("ui-proxy-iframe-ready") != std::string::npos);
}
