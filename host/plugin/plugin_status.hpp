#pragma once
// What a plugin's failure status means to a client: the ErrorKind (and so the HTTP class, mapped in
// http/error_mapping.cpp) a feature's negative gaggle_status becomes. The table is the contract
// written in sdk/include/gaggle/feature.h.
#include "common/error.hpp"

#include "plugin/gaggle_abi.hpp"

namespace gaggle {
ErrorKind error_kind_for(gaggle_status status) noexcept;
}
