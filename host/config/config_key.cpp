#include "config/config_key.hpp"

#include "common/error.hpp"

namespace gaggle {

std::string checked_config_key(std::string key, const char* field)
{
    const std::string name = std::string("field `") + field + "`";
    if (key.empty()) throw invalid_argument(name + " must not be empty");
    if (key.size() > 256) throw invalid_argument(name + " is longer than 256 characters");
    for (unsigned char c : key)
        if (c < 0x20 || c == 0x7f) throw invalid_argument(name + " must not contain control characters");
    return key;
}

} // namespace gaggle
