// GET /config/slash_commands: what the chat box offers after "/": the builtins the agent executes
// (agent/slash_commands.cpp) and the library recipes bound to a command (/recipes/slash-command).
#include "agent/slash_commands.hpp"
#include "api/routes.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/recipe_service.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

void register_slash_command_routes(Router& router, AppContext& app)
{
    router.add("GET", "/config/slash_commands", [&app](Request&, Response& res) {
        Json commands = Json::array();
        for (const auto& b : builtin_slash_commands())
            commands.push_back(Json{{"command", b.command}, {"help", b.help}, {"command_type", "Builtin"}});
        for (const auto& bound : RecipeService(app.config, app.kv).slash_commands()) {
            std::string help;
            try {
                const RecipeFile file = load_recipe_file(bound.recipe_path);
                help = file.recipe.value("description", file.recipe.value("title", std::string()));
            } catch (const std::exception& e) {
                // A bound recipe whose file went away or broke is not offered.
                spdlog::warn("slash command /{}: recipe {} unreadable: {}", bound.command, bound.recipe_path, e.what());
                continue;
            }
            commands.push_back(Json{{"command", bound.command}, {"help", help}, {"command_type", "Recipe"}});
        }
        res.json(Json{{"commands", commands}});
    });
}

} // namespace gaggle
