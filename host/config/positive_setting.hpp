#pragma once
#include "config/config.hpp"

#include <cstddef>

namespace gaggle {

// A whole number in [1, max] from the environment or config.yaml, or the fallback when the
// setting is absent. Throws Error(invalid_argument) naming the setting otherwise.
std::size_t positive_setting(const Config& config, const char* name, std::size_t fallback, std::size_t max);

} // namespace gaggle
