#pragma once
// The two HTML shells the goose desktop loads into iframes to sandbox extension UI (goosed's
// /mcp-ui-proxy and /mcp-app-proxy). Each shell relays postMessage traffic between the desktop and
// one inner frame holding the extension's HTML; it never calls this server. Both remove `secret`
// from their own address before any extension HTML runs, so a same-origin guest cannot read it
// back from `parent.location`.
#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

// The MCP-UI shell (@mcp-ui/client's "proxy"): `contentType=rawhtml` announces
// `ui-proxy-iframe-ready` and shows the `ui-html-content` payload as srcdoc; `url=` shows that
// http(s) page. Everything else is relayed both ways unchanged.
std::string_view mcp_ui_proxy_page();

// The MCP Apps shell: announces `ui/notifications/sandbox-proxy-ready` (and the older
// `sandbox-ready`), shows the html of `ui/notifications/sandbox-resource-ready` in a guest frame,
// relays every other message both ways. `csp` goes into its Content-Security-Policy meta tag.
std::string mcp_app_proxy_page(const std::string& csp);

struct AppDomains {
    std::vector<std::string> connect, resource, frame, base_uri;
};

// One of the desktop's comma-separated domain lists: entries trimmed, and only plain CSP sources
// kept (`host`, `*.host`, `host:port`, `scheme://host[:port][/path]` with scheme http, https, ws
// or wss). Anything else (quotes, keywords, `;`, spaces) is dropped, which only narrows the policy.
std::vector<std::string> csp_sources(std::string_view list);

// The policy for an MCP App: nothing by default; scripts, styles, images, fonts and media from
// the page itself and the app's resource domains; fetches to its connect domains; frames only
// from its frame domains.
std::string mcp_app_csp(const AppDomains& domains);

} // namespace gaggle
