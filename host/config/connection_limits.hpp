#pragma once
// How many connections the server takes and how much an event stream may buffer. Each comes from
// the environment, then config.yaml, then the default below.
//
//   GAGGLE_MAX_CONNECTIONS_PER_CLIENT  connections (event streams included) one client address
//                                      holds at once. Default 12,000: the desktop app needs a few
//                                      dozen, a bench or a proxy on loopback opening 10,000 streams
//                                      still fits, and one remote address cannot take all of the
//                                      server's file descriptors (typically 524,288 or more once
//                                      the soft limit is raised to the hard one at start-up).
//   GAGGLE_HTTP_THREADS                worker threads for requests in progress (streams hold none).
//                                      Default 256: requests are short and the host has few cores;
//                                      a burst of connections queues (16,384) rather than spawning
//                                      a thread each, which is what costs memory.
//   GAGGLE_STREAM_BUFFER_BYTES         bytes a stream may have unsent beyond the kernel's buffer
//                                      before its client is dropped as too slow (default 1 MiB).
#include "config/config.hpp"

#include <cstddef>

namespace gaggle {

struct ConnectionLimits {
    std::size_t per_client = 12000;
    int http_threads = 256;
    std::size_t stream_buffer_bytes = 1024 * 1024;
};

// Throws gaggle::Error(invalid_argument) naming the setting when a value is not a positive number.
ConnectionLimits resolve_connection_limits(const Config& config);

} // namespace gaggle
