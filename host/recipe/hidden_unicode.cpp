#include "recipe/hidden_unicode.hpp"

namespace gaggle {
namespace {

bool hidden(char32_t c)
{
    return (c >= 0xE0000 && c <= 0xE007F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x200B || c == 0x200C || c == 0x2060 || c == 0xFEFF || c == 0x180E;
}

void check(const Json& value, const std::string& field, std::optional<HiddenCharacter>& found)
{
    if (found || !value.is_string()) return;
    if (auto c = find_hidden_character(value.get<std::string>())) found = HiddenCharacter{field, *c};
}

void check_list(const Json& obj, const char* key, const std::string& prefix, std::optional<HiddenCharacter>& found)
{
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_array()) return;
    for (std::size_t i = 0; i < obj[key].size(); ++i) check(obj[key][i], prefix + key + "[" + std::to_string(i) + "]", found);
}

} // namespace

std::optional<char32_t> find_hidden_character(const std::string& text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > text.size()) {
            ++i;
            continue;
        }
        char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        bool valid = true;
        for (std::size_t k = 1; k < n; ++k) {
            const auto cont = static_cast<unsigned char>(text[i + k]);
            if ((cont & 0xC0) != 0x80) valid = false;
            c = (c << 6) | (cont & 0x3F);
        }
        if (!valid) {
            ++i;
            continue;
        }
        if (hidden(c)) return c;
        i += n;
    }
    return std::nullopt;
}

std::optional<HiddenCharacter> scan_recipe_for_hidden_characters(const Json& recipe)
{
    std::optional<HiddenCharacter> found;
    if (!recipe.is_object()) return found;
    if (recipe.contains("instructions")) check(recipe["instructions"], "instructions", found);
    if (recipe.contains("prompt")) check(recipe["prompt"], "prompt", found);
    check_list(recipe, "activities", "", found);
    if (recipe.contains("extensions") && recipe["extensions"].is_array()) {
        const Json& list = recipe["extensions"];
        for (std::size_t i = 0; i < list.size() && !found; ++i) {
            const Json& e = list[i];
            if (!e.is_object() || e.value("type", "") != "stdio") continue;
            const std::string p = "extensions[" + std::to_string(i) + "].";
            if (e.contains("cmd")) check(e["cmd"], p + "cmd", found);
            if (e.contains("cwd")) check(e["cwd"], p + "cwd", found);
            check_list(e, "args", p, found);
            if (e.contains("envs") && e["envs"].is_object())
                for (auto it = e["envs"].begin(); it != e["envs"].end(); ++it) check(it.value(), p + "envs." + it.key(), found);
        }
    }
    if (recipe.contains("retry") && recipe["retry"].is_object()) {
        const Json& r = recipe["retry"];
        if (r.contains("on_failure")) check(r["on_failure"], "retry.on_failure", found);
        if (r.contains("checks") && r["checks"].is_array())
            for (std::size_t i = 0; i < r["checks"].size(); ++i)
                if (r["checks"][i].is_object() && r["checks"][i].contains("command"))
                    check(r["checks"][i]["command"], "retry.checks[" + std::to_string(i) + "].command", found);
    }
    return found;
}

} // namespace gaggle
