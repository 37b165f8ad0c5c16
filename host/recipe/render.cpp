#include "recipe/render.hpp"

#include "common/error.hpp"

#include <cctype>

namespace gaggle {
namespace {

std::string trim(const std::string& s)
{
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& values)
{
    std::string out;
    size_t pos = 0;
    while (true) {
        const size_t open = text.find("{{", pos);
        if (open == std::string::npos) break;
        const size_t close = text.find("}}", open + 2);
        if (close == std::string::npos) break;
        out.append(text, pos, open - pos);
        const std::string name = trim(text.substr(open + 2, close - open - 2));
        auto it = values.find(name);
        out += it != values.end() ? it->second : text.substr(open, close + 2 - open); // unknown: left as is
        pos = close + 2;
    }
    out.append(text, pos, std::string::npos);
    return out;
}

void render_field(Json& recipe, const char* field, const std::map<std::string, std::string>& values)
{
    if (!recipe.contains(field)) return;
    Json& v = recipe[field];
    if (v.is_string()) v = substitute(v.get<std::string>(), values);
    else if (v.is_array())
        for (auto& item : v)
            if (item.is_string()) item = substitute(item.get<std::string>(), values);
}

} // namespace

Json render_recipe(const Json& recipe, const std::map<std::string, std::string>& given)
{
    std::map<std::string, std::string> values = given;
    std::string missing;
    if (recipe.contains("parameters") && recipe["parameters"].is_array()) {
        for (const auto& p : recipe["parameters"]) {
            if (!p.is_object() || !p.contains("key") || !p["key"].is_string()) continue;
            const std::string key = p["key"].get<std::string>();
            if (values.count(key)) continue;
            if (p.contains("default") && p["default"].is_string()) values[key] = p["default"].get<std::string>();
            else if (p.value("requirement", std::string("required")) == "required")
                missing += (missing.empty() ? "" : ", ") + key;
        }
    }
    if (!missing.empty()) throw invalid_argument("Missing required parameters: " + missing);
    Json out = recipe;
    for (const char* field : {"instructions", "prompt", "activities", "description"}) render_field(out, field, values);
    return out;
}

} // namespace gaggle
