#include "http/error_mapping.hpp"

namespace gaggle {

int http_status_for(ErrorKind kind) noexcept
{
    switch (kind) {
    case ErrorKind::invalid_argument: return 400;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::not_found: return 404;
    case ErrorKind::method_not_allowed: return 405;
    case ErrorKind::conflict: return 409;
    case ErrorKind::precondition: return 412;
    case ErrorKind::payload_too_large: return 413;
    case ErrorKind::unsupported_media: return 415;
    case ErrorKind::unprocessable: return 422;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::internal: return 500;
    case ErrorKind::bad_gateway: return 502;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::gateway_timeout: return 504;
    }
    return 500;
}

} // namespace gaggle
