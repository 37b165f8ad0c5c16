#include "plugin/plugin_status.hpp"

namespace gaggle {

ErrorKind error_kind_for(gaggle_status status) noexcept
{
    switch (status) {
    case GAGGLE_ERR_INVALID_ARGUMENT: return ErrorKind::invalid_argument;
    // UNSUPPORTED: the route exists but has nothing for this request; 404 rather than a 501 the
    // goosed API never uses.
    case GAGGLE_ERR_NOT_FOUND:
    case GAGGLE_ERR_UNSUPPORTED: return ErrorKind::not_found;
    case GAGGLE_ERR_RATE_LIMITED: return ErrorKind::rate_limited;
    case GAGGLE_ERR_UNAVAILABLE:
    case GAGGLE_ERR_TIMEOUT: return ErrorKind::unavailable;
    case GAGGLE_ERR_AUTHENTICATION:
    case GAGGLE_ERR_SERVER:
    case GAGGLE_ERR_NETWORK: return ErrorKind::bad_gateway;
    default: return ErrorKind::internal; // CANCELLED, INTERNAL, CONTEXT_LENGTH and unknown codes
    }
}

} // namespace gaggle
