#include "store/session_validation.hpp"

#include "common/error.hpp"

#include <array>
#include <string_view>

namespace gaggle {

namespace {

void require_object_or_null(const std::optional<Json>& v, const char* field) {
    if (v && !v->is_null() && !v->is_object()) throw invalid_argument(std::string(field) + " must be an object");
}

void require_object(const Json& v, const char* field) {
    if (!v.is_object()) throw invalid_argument(std::string(field) + " must be an object");
}

// Upstream types user_recipe_values as map<string,string>.
void require_string_map(const std::optional<Json>& v) {
    require_object_or_null(v, "user_recipe_values");
    if (!v || v->is_null()) return;
    for (const auto& [key, value] : v->items())
        if (!value.is_string()) throw invalid_argument("user_recipe_values." + key + " must be a string");
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count lead bytes only
    return n;
}

void require_name(const std::string& name) {
    if (name.find_first_not_of(" \t\r\n") == std::string::npos) throw invalid_argument("name must not be empty");
}

} // namespace

void validate_session_type(const std::string& type) {
    static constexpr std::array<std::string_view, 7> known{"user",     "scheduled", "sub_agent", "hidden",
                                                           "terminal", "gateway",   "acp"};
    for (auto k : known)
        if (type == k) return;
    throw invalid_argument("session_type must be one of user, scheduled, sub_agent, hidden, terminal, gateway, acp");
}

std::string normalize_session_name(const std::string& name) {
    const auto first = name.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) throw invalid_argument("name must not be empty");
    const auto last = name.find_last_not_of(" \t\r\n");
    std::string trimmed = name.substr(first, last - first + 1);
    if (utf8_length(trimmed) > 200) throw invalid_argument("name must be at most 200 characters");
    return trimmed;
}

void validate_new_session(const NewSession& s) {
    require_name(s.name);
    validate_session_type(s.session_type);
    require_object(s.extension_data, "extension_data");
    require_object_or_null(s.model_config, "model_config");
    require_object_or_null(s.recipe, "recipe");
    require_string_map(s.user_recipe_values);
}

void validate_patch(const SessionPatch& p) {
    if (p.name) require_name(*p.name);
    if (p.session_type) validate_session_type(*p.session_type);
    if (p.model_config) require_object_or_null(*p.model_config, "model_config");
    if (p.recipe) require_object_or_null(*p.recipe, "recipe");
    if (p.user_recipe_values) require_string_map(*p.user_recipe_values);
    if (p.extension_data) require_object(*p.extension_data, "extension_data");
    if (p.extension_data_merge) require_object(*p.extension_data_merge, "extension_data_merge");
}

void validate_session_meta(const SessionInfo& m) {
    require_name(m.name);
    validate_session_type(m.session_type);
    require_object(m.extension_data, "extension_data");
    require_object_or_null(m.model_config, "model_config");
    require_object_or_null(m.recipe, "recipe");
    require_string_map(m.user_recipe_values);
}

} // namespace gaggle
