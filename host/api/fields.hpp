#pragma once
// Reading typed fields out of a JSON request body. A missing required field or a field of the
// wrong type is a 422 whose message names the field, as upstream's body extractor does; unknown
// fields are ignored (tolerated, like upstream).
#include "common/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gaggle::fields {

// The body as an object, or 422 "request body must be a JSON object".
const Json& object(const Json& body);

std::string required_string(const Json& obj, const char* field);
bool required_bool(const Json& obj, const char* field);
// Absent or null give nullopt.
std::optional<std::string> optional_string(const Json& obj, const char* field);
std::optional<bool> optional_bool(const Json& obj, const char* field);
std::optional<std::int64_t> optional_int(const Json& obj, const char* field);
std::optional<Json> optional_object(const Json& obj, const char* field);
std::optional<Json> optional_array(const Json& obj, const char* field);

} // namespace gaggle::fields
