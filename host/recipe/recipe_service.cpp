#include "recipe/recipe_service.hpp"

#include "common/error.hpp"
#include "recipe/hidden_unicode.hpp"
#include "recipe/recipe_document.hpp"
#include "recipe/render.hpp"

#include <filesystem>

namespace gaggle {

RecipeDirectories RecipeService::directories() const
{
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    return recipe_directories(config_, ec ? std::filesystem::path() : cwd);
}

Json RecipeService::manifests() const
{
    Json out = Json::array();
    for (const auto& f : list_recipe_files(directories())) {
        const auto cron = bindings_.schedule_cron(f.path.string());
        const auto slash = bindings_.slash_command(f.path.string());
        out.push_back(Json{{"id", f.id},
                           {"recipe", recipe_in_field_order(f.recipe)},
                           {"file_path", f.path.string()},
                           {"last_modified", f.last_modified},
                           {"schedule_cron", cron ? Json(*cron) : Json(nullptr)},
                           {"slash_command", slash ? Json(*slash) : Json(nullptr)}});
    }
    return out;
}

RecipeFile RecipeService::by_id(const std::string& id) const
{
    auto f = find_recipe_by_id(directories(), id);
    if (!f) throw not_found("Recipe not found: " + id);
    return std::move(*f);
}

SavedRecipe RecipeService::save(const Json& recipe, const std::optional<std::string>& id) const
{
    if (auto hidden = scan_recipe_for_hidden_characters(recipe))
        throw invalid_argument("This recipe contains hidden characters that could be malicious (in `" + hidden->field +
                               "`). Please remove them before trying to save.");
    const Json valid = validate_recipe(recipe);
    check_recipe_parameters(valid);
    std::optional<std::filesystem::path> existing;
    if (id) existing = by_id(*id).path;
    return save_recipe_file(directories(), valid, existing);
}

void RecipeService::remove(const RecipeFile& f)
{
    std::error_code ec;
    if (!std::filesystem::remove(f.path, ec) || ec) throw internal_error("cannot delete " + f.path.string() + ": " + ec.message());
    bindings_.forget(f.path.string());
}

void RecipeService::set_schedule(const RecipeFile& f, const std::optional<std::string>& cron)
{
    bindings_.set_schedule_cron(f.path.string(), cron);
}

void RecipeService::set_slash_command(const std::string& id, const std::optional<std::string>& command)
{
    bindings_.set_slash_command(by_id(id).path.string(), command);
}

} // namespace gaggle
