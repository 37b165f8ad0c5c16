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

ErrorKind error_kind_for_status(int status) noexcept
{
    for (ErrorKind kind : {ErrorKind::invalid_argument, ErrorKind::unauthorized, ErrorKind::not_found,
                           ErrorKind::method_not_allowed, ErrorKind::conflict, ErrorKind::precondition,
                           ErrorKind::payload_too_large, ErrorKind::unsupported_media, ErrorKind::unprocessable,
                           ErrorKind::rate_limited, ErrorKind::bad_gateway, ErrorKind::unavailable,
                           ErrorKind::gateway_timeout})
        if (http_status_for(kind) == status) return kind;
    return ErrorKind::internal;
}

} // namespace gaggle
