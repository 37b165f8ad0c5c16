#pragma once
// Reading an ACP method's params: one place that says what a missing or mistyped field is
// answered with (-32602 naming the field by its path, as the client wrote it).
#include "acp/jsonrpc.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gaggle::acp {

// "`key`" at the top of params, "`where.key`" inside (e.g. where = "prompt[2]").
inline std::string param_path(std::string_view where, const char* key)
{
    std::string path = "`";
    if (!where.empty()) path.append(where).append(".");
    return path.append(key).append("`");
}

// The string at `key`; throws invalid_params when it is absent or not a string. The reference
// lives as long as `object`.
inline const std::string& required_string(const Json& object, const char* key, std::string_view where = {})
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) throw invalid_params(param_path(where, key) + " must be a string");
    return it->get_ref<const std::string&>();
}

// The string at `key`, or nullopt when it is absent or null; throws invalid_params on another type.
inline std::optional<std::string> optional_string(const Json& object, const char* key, std::string_view where = {})
{
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw invalid_params(param_path(where, key) + " must be a string");
    return it->get<std::string>();
}

} // namespace gaggle::acp
