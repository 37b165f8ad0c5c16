#include "recipe/slash_command_list.hpp"

#include "agent/slash_commands.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/recipe_service.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

std::vector<OfferedSlashCommand> offered_slash_commands(const Config& config, KvStore& kv)
{
    std::vector<OfferedSlashCommand> offered;
    for (const auto& b : builtin_slash_commands()) offered.push_back({b.command, b.help, true});
    for (const auto& bound : RecipeService(config, kv).slash_commands()) {
        try {
            const RecipeFile file = load_recipe_file(bound.recipe_path);
            offered.push_back({bound.command, file.recipe.value("description", file.recipe.value("title", std::string())), false});
        } catch (const std::exception& e) {
            // A bound recipe whose file went away or broke is not offered.
            spdlog::warn("slash command /{}: recipe {} unreadable: {}", bound.command, bound.recipe_path, e.what());
        }
    }
    return offered;
}

} // namespace gaggle
