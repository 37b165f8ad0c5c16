#include "api/sandbox_pages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gaggle {
namespace {

constexpr size_t max_sources = 64;
constexpr size_t max_source_length = 253;

// Both shells start the same way: the query without `secret` replaces the page's own address.
#define GAGGLE_FORGET_SECRET                                                                              \
    "  var params = new URLSearchParams(location.search);\n"                                                \
    "  params.delete('secret');\n"                                                                         \
    "  var query = params.toString();\n"                                                                   \
    "  history.replaceState(null, '', location.pathname + (query ? '?' + query : ''));\n"

constexpr std::string_view ui_proxy_page =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src * 'unsafe-inline' "
    "'unsafe-eval' 'wasm-unsafe-eval' blob:; style-src * 'unsafe-inline'; img-src * data: blob:; font-src * data:; "
    "connect-src *; frame-src *; media-src * data: blob:; base-uri 'self'\">\n"
    "<title>MCP-UI sandbox</title>\n"
    "<style>html,body{margin:0;height:100%}body{display:flex;flex-direction:column}"
    "iframe{flex:1 1 auto;width:100%;height:100%;border:0;background:transparent}</style>\n"
    "</head>\n<body>\n<script>\n(function () {\n  'use strict';\n" GAGGLE_FORGET_SECRET
    "  var mode = params.get('contentType') === 'rawhtml' ? 'html' : (params.get('url') ? 'url' : '');\n"
    "  var inner = document.createElement('iframe');\n"
    "  var innerOrigin = '*';\n"
    "  if (mode === 'html') {\n"
    "    inner.setAttribute('sandbox', 'allow-scripts');\n"
    "  } else if (mode === 'url') {\n"
    "    var target = null;\n"
    "    try { target = new URL(params.get('url')); } catch (e) { target = null; }\n"
    "    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {\n"
    "      document.body.textContent = 'The url parameter must be an http or https URL.';\n"
    "      return;\n"
    "    }\n"
    "    innerOrigin = target.origin;\n"
    "    inner.setAttribute('sandbox', 'allow-scripts allow-same-origin');\n"
    "    inner.src = target.href;\n"
    "  } else {\n"
    "    document.body.textContent = 'Give contentType=rawhtml or a url parameter.';\n"
    "    return;\n"
    "  }\n"
    "  document.body.appendChild(inner);\n"
    "  window.addEventListener('message', function (event) {\n"
    "    var data = event.data;\n"
    "    if (event.source === window.parent) {\n"
    "      if (mode === 'html' && data && data.type === 'ui-html-content') {\n"
    "        var payload = data.payload || {};\n"
    "        if (typeof payload.sandbox === 'string') inner.setAttribute('sandbox', payload.sandbox);\n"
    "        if (typeof payload.html === 'string') inner.srcdoc = payload.html;\n"
    "      } else if (inner.contentWindow) {\n"
    "        inner.contentWindow.postMessage(data, innerOrigin);\n"
    "      }\n"
    "    } else if (event.source === inner.contentWindow) {\n"
    "      window.parent.postMessage(data, '*');\n"
    "    }\n"
    "  });\n"
    "  if (mode === 'html') window.parent.postMessage({ type: 'ui-proxy-iframe-ready' }, '*');\n"
    "})();\n</script>\n</body>\n</html>\n";

constexpr std::string_view app_proxy_head =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
    "<meta name=\"color-scheme\" content=\"light dark\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"";

constexpr std::string_view app_proxy_rest =
    "\">\n<title>MCP App sandbox</title>\n"
    "<style>html,body{margin:0;padding:0;width:100%;height:100%;overflow:hidden}"
    "iframe{display:block;width:100%;height:100%;border:0}</style>\n"
    "</head>\n<body>\n<script>\n(function () {\n  'use strict';\n" GAGGLE_FORGET_SECRET
    "  var features = { camera: 'camera', microphone: 'microphone', geolocation: 'geolocation', clipboardWrite: 'clipboard-write' };\n"
    "  var guest = null;\n"
    "  function show(html, permissions) {\n"
    "    if (guest) guest.remove();\n"
    "    guest = document.createElement('iframe');\n"
    "    guest.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms');\n"
    "    var allow = [];\n"
    "    if (permissions && typeof permissions === 'object')\n"
    "      Object.keys(features).forEach(function (k) { if (permissions[k]) allow.push(features[k]); });\n"
    "    if (allow.length) guest.setAttribute('allow', allow.join('; '));\n"
    "    guest.srcdoc = typeof html === 'string' ? html : '';\n"
    "    document.body.appendChild(guest);\n"
    "  }\n"
    "  window.addEventListener('message', function (event) {\n"
    "    var data = event.data;\n"
    "    if (!data || typeof data !== 'object') return;\n"
    "    if (event.source === window.parent) {\n"
    "      if (data.method === 'ui/notifications/sandbox-resource-ready') {\n"
    "        var p = data.params || {};\n"
    "        show(p.html, p.permissions);\n"
    "      } else if (guest && guest.contentWindow) {\n"
    "        guest.contentWindow.postMessage(data, '*');\n"
    "      }\n"
    "    } else if (guest && event.source === guest.contentWindow) {\n"
    "      window.parent.postMessage(data, '*');\n"
    "    }\n"
    "  });\n"
    "  window.parent.postMessage({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} }, '*');\n"
    "  window.parent.postMessage({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-ready', params: {} }, '*');\n"
    "})();\n</script>\n</body>\n</html>\n";

#undef GAGGLE_FORGET_SECRET

bool host_char(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; }

// `[*.]host[:port]`, the host made of letters, digits, '-' and '.'.
bool plain_authority(std::string_view s)
{
    if (s.rfind("*.", 0) == 0) s.remove_prefix(2);
    const auto colon = s.find(':');
    const std::string_view host = s.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), host_char)) return false;
    if (colon == std::string_view::npos) return true;
    const std::string_view port = s.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    return !port.empty() && ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

bool plain_source(std::string_view s)
{
    if (s.empty() || s.size() > max_source_length) return false;
    if (const auto scheme_end = s.find("://"); scheme_end != std::string_view::npos) {
        const std::string_view scheme = s.substr(0, scheme_end);
        if (scheme != "http" && scheme != "https" && scheme != "ws" && scheme != "wss") return false;
        s.remove_prefix(scheme_end + 3);
    }
    const auto slash = s.find('/');
    const std::string_view path = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    const bool path_ok = std::all_of(path.begin(), path.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("/-._~%").find(static_cast<char>(c)) != std::string_view::npos;
    });
    return path_ok && plain_authority(s.substr(0, slash));
}

std::string joined(const std::vector<std::string>& sources)
{
    std::string out;
    for (const auto& s : sources) out += " " + s;
    return out;
}

} // namespace

std::string_view mcp_ui_proxy_page() { return ui_proxy_page; }

std::string mcp_app_proxy_page(const std::string& csp)
{
    std::string page(app_proxy_head);
    page += csp;
    page += app_proxy_rest;
    return page;
}

std::vector<std::string> csp_sources(std::string_view list)
{
    std::vector<std::string> out;
    while (!list.empty() && out.size() < max_sources) {
        const auto comma = list.find(',');
        std::string_view entry = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) entry.remove_prefix(1);
        while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.remove_suffix(1);
        if (plain_source(entry)) out.emplace_back(entry);
    }
    return out;
}

std::string mcp_app_csp(const AppDomains& d)
{
    const std::string resources = joined(d.resource);
    std::string csp = "default-src 'none'";
    csp += "; script-src 'self' 'unsafe-inline'" + resources;
    csp += "; script-src-elem 'self' 'unsafe-inline'" + resources;
    csp += "; style-src 'self' 'unsafe-inline'" + resources;
    csp += "; style-src-elem 'self' 'unsafe-inline'" + resources;
    csp += "; connect-src 'self'" + joined(d.connect);
    csp += "; img-src 'self' data: blob:" + resources;
    csp += "; font-src 'self'" + resources;
    csp += "; media-src 'self' data: blob:" + resources;
    csp += "; frame-src" + (d.frame.empty() ? std::string(" 'none'") : joined(d.frame));
    csp += "; object-src 'none'";
    csp += "; base-uri 'self'" + joined(d.base_uri);
    return csp;
}

} // namespace gaggle
