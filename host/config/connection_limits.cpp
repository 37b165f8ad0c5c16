#include "config/connection_limits.hpp"

#include "config/positive_setting.hpp"

namespace gaggle {

ConnectionLimits resolve_connection_limits(const Config& config)
{
    ConnectionLimits limits;
    limits.per_client = positive_setting(config, "GAGGLE_MAX_CONNECTIONS_PER_CLIENT", limits.per_client, 10'000'000);
    limits.http_threads = static_cast<int>(positive_setting(config, "GAGGLE_HTTP_THREADS", static_cast<std::size_t>(limits.http_threads), 10'000));
    limits.stream_buffer_bytes = positive_setting(config, "GAGGLE_STREAM_BUFFER_BYTES", limits.stream_buffer_bytes, std::size_t(1) << 30);
    return limits;
}

} // namespace gaggle
