#pragma once
// Errors that end an operation inside the host. Services throw them; the HTTP layer maps the kind
// to a status code in one place (http/error_mapping.cpp), so no service knows about HTTP.
#include <stdexcept>
#include <string>

namespace gaggle {

enum class ErrorKind {
    invalid_argument,   // 400: the client's input is wrong (names the field)
    unauthorized,       // 401
    not_found,          // 404
    method_not_allowed, // 405
    conflict,           // 409
    precondition,       // 412: something must be configured first
    payload_too_large,  // 413
    unsupported_media,  // 415
    unprocessable,      // 422: well-formed JSON of the wrong shape
    rate_limited,       // 429
    internal,           // 500
    bad_gateway,        // 502: an upstream (provider) failed
    unavailable,        // 503
    gateway_timeout,    // 504: an upstream (provider) did not answer in time
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

inline Error invalid_argument(const std::string& m) { return {ErrorKind::invalid_argument, m}; }
inline Error not_found(const std::string& m) { return {ErrorKind::not_found, m}; }
inline Error conflict(const std::string& m) { return {ErrorKind::conflict, m}; }
inline Error unprocessable(const std::string& m) { return {ErrorKind::unprocessable, m}; }
inline Error internal_error(const std::string& m) { return {ErrorKind::internal, m}; }

} // namespace gaggle
