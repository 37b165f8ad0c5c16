#pragma once
// The parts of an absolute http(s) URL an HTTP client needs. The request target is kept exactly as
// written (no decode/re-encode round trip), so signed or oddly-escaped paths reach the server intact.
#include <optional>
#include <string>
#include <string_view>

namespace gaggle::net {

struct Url {
    std::string scheme; // "http" or "https", lower case
    std::string host;   // without brackets for IPv6 literals
    unsigned port = 0;  // explicit or the scheme's default
    std::string target; // path and query, at least "/"; the fragment is dropped

    bool default_port() const { return port == (scheme == "https" ? 443u : 80u); }
    // "host" or "host:port" (IPv6 literals bracketed), for the Host header.
    std::string authority() const;
};

// nullopt for anything but a well-formed absolute http:// or https:// URL.
std::optional<Url> parse_url(std::string_view text);

} // namespace gaggle::net
