#pragma once
// The JSON type the provider plugins use (insertion-ordered, so wire requests read like the
// official clients'), plus tolerant accessors: upstream payloads are not trusted to have the
// shape their documentation promises.
#include <gaggle/cpp/json_depth.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace gaggle::providers {

using Json = nlohmann::ordered_json;

// Parses JSON from outside the plugin (an upstream body or event, the host's request): a discarded
// value when it is not JSON or nests deeper than sdk::max_json_depth, so a hostile upstream cannot
// overflow the stack of whatever copies or prints the tree later.
inline Json parse_untrusted(std::string_view text)
{
    if (sdk::json_nests_deeper_than(text)) return Json(Json::value_t::discarded);
    return Json::parse(text, nullptr, false);
}

// j[key] as a string, or `fallback` when absent or not a string.
inline std::string str_of(const Json& j, std::string_view key, std::string fallback = {})
{
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// j[key] as an integer, or `fallback` when absent or not a number.
inline std::int64_t int_of(const Json& j, std::string_view key, std::int64_t fallback = 0)
{
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
}

// j[key] or a null JSON value (never inserts, unlike operator[]).
inline const Json& at_or_null(const Json& j, std::string_view key)
{
    static const Json null_value;
    if (!j.is_object()) return null_value;
    auto it = j.find(key);
    return it != j.end() ? *it : null_value;
}

// Text for error messages: at most `limit` bytes of `s`.
inline std::string excerpt(std::string_view s, std::size_t limit = 300)
{
    return s.size() <= limit ? std::string(s) : std::string(s.substr(0, limit)) + "...";
}

} // namespace gaggle::providers
