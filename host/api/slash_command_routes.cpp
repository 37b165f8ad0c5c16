// GET /config/slash_commands: what the chat box offers after "/" (recipe/slash_command_list.hpp).
#include "api/routes.hpp"
#include "recipe/slash_command_list.hpp"

namespace gaggle {

void register_slash_command_routes(Router& router, AppContext& app)
{
    router.add("GET", "/config/slash_commands", [&app](Request&, Response& res) {
        Json commands = Json::array();
        for (const auto& c : offered_slash_commands(app.config, app.kv))
            commands.push_back(Json{{"command", c.command}, {"help", c.help}, {"command_type", c.builtin ? "Builtin" : "Recipe"}});
        res.json(Json{{"commands", commands}});
    });
}

} // namespace gaggle
