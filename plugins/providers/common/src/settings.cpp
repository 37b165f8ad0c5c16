#include "gaggle_providers/settings.hpp"

#include <charconv>
#include <cmath>

namespace gaggle::providers {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::optional<double> number(const sdk::Host& host, const char* key)
{
    auto v = config_value(host, key);
    if (!v) return std::nullopt;
    std::string_view t = trim(*v);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    double d = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(d) || d < 0) {
        host.warn(std::string("ignoring ") + key + ": not a non-negative number: " + *v);
        return std::nullopt;
    }
    return d;
}

std::chrono::milliseconds seconds_to_ms(double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000.0)); }

} // namespace

std::optional<std::string> config_value(const sdk::Host& host, const char* key)
{
    auto v = host.config(key);
    if (!v || trim(*v).empty()) return std::nullopt;
    return std::string(trim(*v));
}

std::optional<std::string> secret_value(const sdk::Host& host, const char* key)
{
    auto v = host.secret(key);
    if (!v || trim(*v).empty()) return std::nullopt;
    return std::string(trim(*v));
}

StreamSettings read_stream_settings(const sdk::Host& host)
{
    StreamSettings s;
    if (auto v = number(host, "GAGGLE_PROVIDER_IDLE_TIMEOUT"); v && *v > 0) s.idle_timeout = seconds_to_ms(*v);
    if (auto v = number(host, "GAGGLE_PROVIDER_CONNECT_TIMEOUT"); v && *v > 0) s.connect_timeout = seconds_to_ms(*v);
    if (auto v = number(host, "GAGGLE_PROVIDER_MAX_RETRIES")) s.retry.max_retries = static_cast<int>(std::min(*v, 20.0));
    if (auto v = number(host, "GAGGLE_PROVIDER_RETRY_BASE_MS")) s.retry.base = std::chrono::milliseconds(static_cast<long long>(*v));
    return s;
}

Headers parse_header_list(std::string_view text)
{
    Headers out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view item = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = trim(item.substr(0, eq));
        if (name.empty()) continue;
        out.emplace_back(std::string(name), std::string(trim(item.substr(eq + 1))));
    }
    return out;
}

std::string with_scheme(std::string_view host, std::string_view default_scheme)
{
    std::string out(trim(host));
    if (out.find("://") == std::string::npos) out = std::string(default_scheme) + "://" + out;
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
}

std::string join_url(std::string_view base, std::string_view path)
{
    std::string out(base);
    while (!out.empty() && out.back() == '/') out.pop_back();
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) return out;
    return out + "/" + std::string(path);
}

std::string url_path(std::string_view url)
{
    const auto sep = url.find("://");
    const auto start = sep == std::string_view::npos ? 0 : sep + 3;
    const auto slash = url.find('/', start);
    return slash == std::string_view::npos ? std::string() : std::string(url.substr(slash));
}

} // namespace gaggle::providers
