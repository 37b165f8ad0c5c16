#include "recipe/render.hpp"

#include "common/error.hpp"
#include "recipe/template.hpp"

#include <fstream>
#include <sstream>

namespace gaggle {
namespace {

constexpr int max_depth = 64;
constexpr std::uintmax_t max_file_parameter_bytes = 1024u * 1024u;

// Calls fn(path, text) for every string value of the recipe outside `parameters`.
template <typename Fn>
void each_text(Json& value, const std::string& path, int depth, Fn&& fn)
{
    if (depth > max_depth) throw invalid_argument("`" + path + "`: nested deeper than " + std::to_string(max_depth) + " levels");
    if (value.is_string()) {
        fn(path, value);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) each_text(value[i], path + "[" + std::to_string(i) + "]", depth + 1, fn);
    } else if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (depth == 0 && it.key() == "parameters") continue;
            each_text(it.value(), path.empty() ? it.key() : path + "." + it.key(), depth + 1, fn);
        }
    }
}

std::string read_file_parameter(const std::string& key, const std::string& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw invalid_argument("parameter `" + key + "` names a file that cannot be read: " + path);
    if (size > max_file_parameter_bytes) throw invalid_argument("parameter `" + key + "` names a file larger than 1 MiB: " + path);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

recipe_template::Options template_options(const std::filesystem::path& recipe_dir)
{
    recipe_template::Options o;
    o.include_dir = recipe_dir;
    return o;
}

} // namespace

Json render_recipe(const Json& recipe, const std::map<std::string, std::string>& given, const std::filesystem::path& recipe_dir)
{
    Json variables = Json::object();
    for (const auto& [k, v] : given) variables[k] = v;
    variables[recipe_dir_variable] = recipe_dir.string();
    std::string missing;
    if (recipe.contains("parameters") && recipe["parameters"].is_array()) {
        for (const auto& p : recipe["parameters"]) {
            if (!p.is_object() || !p.contains("key") || !p["key"].is_string()) continue;
            const std::string key = p["key"].get<std::string>();
            if (!variables.contains(key)) {
                if (p.contains("default") && p["default"].is_string()) variables[key] = p["default"];
                else {
                    missing += (missing.empty() ? "" : ", ") + key;
                    continue;
                }
            }
            if (p.value("input_type", std::string()) == "file")
                variables[key] = read_file_parameter(key, variables[key].get<std::string>());
        }
    }
    if (!missing.empty()) throw invalid_argument("Missing required parameters: " + missing);
    const auto options = template_options(recipe_dir);
    Json out = recipe;
    each_text(out, "", 0, [&](const std::string& path, Json& text) {
        const std::string& source = text.get_ref<const std::string&>();
        if (!recipe_template::has_template_syntax(source)) return;
        try {
            text = recipe_template::render(source, variables, options);
        } catch (const Error& e) {
            throw invalid_argument("`" + path + "`: " + e.what());
        }
    });
    return out;
}

std::set<std::string> recipe_template_variables(const Json& recipe, const std::filesystem::path& recipe_dir)
{
    std::set<std::string> names;
    const auto options = template_options(recipe_dir);
    Json copy = recipe;
    each_text(copy, "", 0, [&](const std::string& path, Json& text) {
        try {
            for (auto& n : recipe_template::free_variables(text.get<std::string>(), options)) names.insert(n);
        } catch (const Error& e) {
            throw invalid_argument("`" + path + "`: " + e.what());
        }
    });
    names.erase(recipe_dir_variable);
    return names;
}

void check_recipe_parameters(const Json& recipe, const std::filesystem::path& recipe_dir)
{
    const std::set<std::string> used = recipe_template_variables(recipe, recipe_dir);
    std::set<std::string> declared;
    if (recipe.contains("parameters") && recipe["parameters"].is_array())
        for (const auto& p : recipe["parameters"])
            if (p.is_object() && p.contains("key") && p["key"].is_string()) declared.insert(p["key"].get<std::string>());
    std::string undeclared, unused;
    for (const auto& n : used)
        if (!declared.count(n)) undeclared += (undeclared.empty() ? "" : ", ") + n;
    for (const auto& n : declared)
        if (!used.count(n)) unused += (unused.empty() ? "" : ", ") + n;
    if (!undeclared.empty())
        throw invalid_argument("`parameters`: the recipe uses template variables it does not declare as parameters: " + undeclared);
    if (!unused.empty()) throw invalid_argument("`parameters`: parameters that no template uses: " + unused);
}

} // namespace gaggle
