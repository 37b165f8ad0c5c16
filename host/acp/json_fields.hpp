#pragma once
// Lenient reading of goose message JSON (content items, tool results) for ACP's updates.
#include "common/json.hpp"

#include <string>

namespace gaggle::acp {

// The string at `key`, or "" when it is absent or not a string (or `object` is not an object).
inline std::string string_or_empty(const Json& object, const char* key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace gaggle::acp
