#pragma once
// The entry checks of a host frozen at ABI 1.0, compiled against tests/abi/v1.0/include (never the
// current headers), so tests can ask what a 1.0 host makes of a plugin built from today's SDK.
#include <string>

// Loads the library at `path` and runs the 1.0 host's entry checks on it: "" when a 1.0 host
// accepts the entry, else the reason it refuses. The library stays mapped.
std::string frozen_v1_0_host_refusal(const std::string& path);
