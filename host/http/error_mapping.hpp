#pragma once
// The one place where an error kind becomes an HTTP status.
#include "common/error.hpp"

namespace gaggle {
int http_status_for(ErrorKind kind) noexcept;
}
