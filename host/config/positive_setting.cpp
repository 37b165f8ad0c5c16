#include "config/positive_setting.hpp"

#include "common/error.hpp"

#include <charconv>
#include <string>

namespace gaggle {

std::size_t positive_setting(const Config& config, const char* name, std::size_t fallback, std::size_t max) {
    auto text = config.get_string(name);
    if (!text) return fallback;
    std::size_t value = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || p != text->data() + text->size() || value == 0 || value > max)
        throw invalid_argument(std::string(name) + " must be a number from 1 to " + std::to_string(max) + ", got '" + *text + "'");
    return value;
}

} // namespace gaggle
