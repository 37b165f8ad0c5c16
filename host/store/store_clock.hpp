#pragma once
#include <cstdint>
#include <functional>

namespace gaggle {

// Unix milliseconds now, as every SessionStore engine reads it. Injected so tests can cross a
// UTC midnight; empty means the system clock.
using StoreClock = std::function<std::int64_t()>;

} // namespace gaggle
