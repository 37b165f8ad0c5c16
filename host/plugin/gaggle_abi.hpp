#pragma once
// The plugin SDK's C headers as the host sees them: with every slot of the newest ABI minor
// (sdk/VERSIONING.md: plugins pick their target, the host compiles with the newest). Host code
// includes this instead of <gaggle/...> directly, before any other gaggle header.
#ifndef GAGGLE_TARGET_ABI_MINOR
#define GAGGLE_TARGET_ABI_MINOR GAGGLE_ABI_VERSION_MINOR
#endif
#include <gaggle/gaggle.h>

static_assert(GAGGLE_TARGET_ABI_MINOR == GAGGLE_ABI_VERSION_MINOR,
              "host code must include plugin/gaggle_abi.hpp before any <gaggle/...> header");
