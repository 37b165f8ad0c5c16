#include "agent/platform/summon_sources.hpp"

#include "common/error.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/render.hpp"

#include <map>
#include <set>

namespace gaggle {
namespace fs = std::filesystem;

namespace {

// A sub-recipe path the recipe did not make absolute (an inline recipe given to /agent/start has
// no file of its own) is taken from the session's working folder.
fs::path sub_recipe_path(const std::string& path, const SessionInfo& session)
{
    fs::path p(path);
    if (p.is_relative()) p = fs::path(session.working_dir) / p;
    return p.lexically_normal();
}

std::vector<SummonSource> sub_recipe_sources(const SessionInfo& session)
{
    std::vector<SummonSource> out;
    if (!session.recipe || !session.recipe->is_object()) return out;
    auto subs = session.recipe->find("sub_recipes");
    if (subs == session.recipe->end() || !subs->is_array()) return out;
    for (const auto& sub : *subs) {
        if (!sub.is_object() || !sub.contains("name") || !sub["name"].is_string() || !sub.contains("path") ||
            !sub["path"].is_string())
            continue;
        SummonSource s;
        s.name = sub["name"].get<std::string>();
        s.kind = "subrecipe";
        if (sub.contains("description") && sub["description"].is_string()) s.description = sub["description"].get<std::string>();
        s.path = sub_recipe_path(sub["path"].get<std::string>(), session);
        if (sub.contains("values") && sub["values"].is_object()) s.values = sub["values"];
        out.push_back(std::move(s));
    }
    return out;
}

std::string value_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

} // namespace

std::vector<SummonSource> summon_sources(const SessionInfo& session, const Config& config)
{
    std::vector<SummonSource> out = sub_recipe_sources(session);
    std::set<std::string> names;
    for (const auto& s : out) names.insert(s.name);
    for (auto& f : list_recipe_files(recipe_directories(config, session.working_dir))) {
        SummonSource s;
        s.name = f.path.stem().string();
        if (!names.insert(s.name).second) continue; // shadowed by a sub-recipe or an earlier folder
        s.kind = "recipe";
        s.description = f.recipe.value("description", std::string());
        s.path = f.path;
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<SummonSource> find_summon_source(const SessionInfo& session, const Config& config, const std::string& name)
{
    for (auto& s : summon_sources(session, config))
        if (s.name == name) return s;
    return std::nullopt;
}

Json render_summon_source(const SummonSource& source, const Json& parameters)
{
    const RecipeFile file = load_recipe_file(source.path);
    std::map<std::string, std::string> values;
    for (auto it = source.values.begin(); it != source.values.end(); ++it) values[it.key()] = value_text(it.value());
    if (parameters.is_object())
        for (auto it = parameters.begin(); it != parameters.end(); ++it) values[it.key()] = value_text(it.value());
    return render_recipe(file.recipe, values, file.path.parent_path());
}

std::string describe_summon_source(const SummonSource& source)
{
    const Json recipe = load_recipe_file(source.path).recipe;
    std::string out = "# " + recipe.value("title", source.name) + " (" + source.kind + " `" + source.name + "`)\n\n" +
                      recipe.value("description", std::string()) + "\n";
    if (recipe.contains("instructions") && recipe["instructions"].is_string())
        out += "\n## Instructions\n\n" + recipe["instructions"].get<std::string>() + "\n";
    if (recipe.contains("prompt") && recipe["prompt"].is_string())
        out += "\n## Prompt\n\n" + recipe["prompt"].get<std::string>() + "\n";
    if (recipe.contains("parameters") && recipe["parameters"].is_array() && !recipe["parameters"].empty()) {
        out += "\n## Parameters\n\n";
        for (const auto& p : recipe["parameters"]) {
            const std::string key = p.value("key", std::string());
            out += "- `" + key + "` (" + p.value("input_type", std::string("string")) + ", " +
                   p.value("requirement", std::string("required")) + ")";
            if (source.values.contains(key)) out += " = " + value_text(source.values[key]) + " (set by the parent recipe)";
            else if (p.contains("default")) out += ", default " + value_text(p["default"]);
            if (p.contains("description") && p["description"].is_string()) out += ": " + p["description"].get<std::string>();
            out += "\n";
        }
    }
    return out;
}

} // namespace gaggle
