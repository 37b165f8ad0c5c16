#include "config/connection_limits.hpp"

#include "common/error.hpp"

#include <charconv>
#include <string>

namespace gaggle {
namespace {

// A whole number in [1, max], or the default when the setting is absent.
std::size_t positive(const Config& config, const char* name, std::size_t fallback, std::size_t max)
{
    auto text = config.get_string(name);
    if (!text) return fallback;
    std::size_t value = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || p != text->data() + text->size() || value == 0 || value > max)
        throw invalid_argument(std::string(name) + " must be a number from 1 to " + std::to_string(max) + ", got '" + *text + "'");
    return value;
}

} // namespace

ConnectionLimits resolve_connection_limits(const Config& config)
{
    ConnectionLimits limits;
    limits.per_client = positive(config, "GAGGLE_MAX_CONNECTIONS_PER_CLIENT", limits.per_client, 10'000'000);
    limits.http_threads = static_cast<int>(positive(config, "GAGGLE_HTTP_THREADS", static_cast<std::size_t>(limits.http_threads), 10'000));
    limits.stream_buffer_bytes = positive(config, "GAGGLE_STREAM_BUFFER_BYTES", limits.stream_buffer_bytes, std::size_t(1) << 30);
    return limits;
}

} // namespace gaggle
