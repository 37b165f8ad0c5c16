#pragma once
// The "gaggle.host.http/1" service table plugins receive from get_service: the C face of
// net::perform. Every entry is noexcept and reports failures through gaggle_status + gaggle_error.
#include "plugin/gaggle_abi.hpp"

namespace gaggle {

const gaggle_host_http_v1* outbound_http_service();

} // namespace gaggle
