#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gaggle::net {

std::string Url::authority() const
{
    // Built by appending: GCC 12 at -O3 warns falsely on `"literal" + std::string` (stringop-overflow).
    std::string out;
    if (host.find(':') != std::string::npos) out.append("[").append(host).append("]");
    else out = host;
    if (!default_port()) out.append(":").append(std::to_string(port));
    return out;
}

std::optional<Url> parse_url(std::string_view text)
{
    Url url;
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    url.scheme = std::string(text.substr(0, sep));
    std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
    std::string_view rest = text.substr(sep + 3);
    const auto end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);

    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (url.host.empty()) return std::nullopt;
    for (char c : url.host)
        if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\') return std::nullopt;
    url.port = url.scheme == "https" ? 443 : 80;
    if (!port.empty()) {
        unsigned p = 0;
        const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535) return std::nullopt;
        url.port = p;
    }
    for (char c : target)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt; // would break the request line
    // Assembled char by char: GCC 12 warns falsely (stringop-overflow) on the string copies here.
    std::string path;
    path.reserve(target.size() + 1);
    if (target.empty() || target.front() == '?') path.push_back('/');
    for (char c : target) path.push_back(c);
    url.target = std::move(path);
    return url;
}

} // namespace gaggle::net
