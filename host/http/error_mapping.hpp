#pragma once
// The one place where an error kind becomes an HTTP status, and back (for a status the host
// relays from a feature plugin it called itself).
#include "common/error.hpp"

namespace gaggle {
int http_status_for(ErrorKind kind) noexcept;
// The kind whose status is `status`; internal for any status no kind answers.
ErrorKind error_kind_for_status(int status) noexcept;
}
