#include "recipe/recipe_prompt.hpp"

#include "common/error.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/render.hpp"

namespace gaggle {

Json render_session_recipe(const SessionInfo& session, const Config& config)
{
    if (!session.recipe || !session.recipe->is_object()) throw not_found("Session has no recipe");
    std::map<std::string, std::string> values;
    if (session.user_recipe_values && session.user_recipe_values->is_object())
        for (auto it = session.user_recipe_values->begin(); it != session.user_recipe_values->end(); ++it)
            if (it.value().is_string()) values[it.key()] = it.value().get<std::string>();
    return render_recipe(*session.recipe, values, recipe_directories(config, {}).global);
}

std::string recipe_system_prompt(const SessionInfo& session, const Config& config)
{
    if (!session.recipe || !session.recipe->is_object() || !session.recipe->contains("instructions")) return {};
    try {
        const Json rendered = render_session_recipe(session, config);
        if (!rendered.contains("instructions") || !rendered["instructions"].is_string()) return {};
        const std::string instructions = rendered["instructions"].get<std::string>();
        if (instructions.find_first_not_of(" \t\r\n") == std::string::npos) return {};
        return "\n\n# Recipe instructions\n\nThis session runs the recipe \"" + rendered.value("title", std::string()) +
               "\". Follow its instructions:\n\n" + instructions;
    } catch (const Error&) {
        return {};
    }
}

} // namespace gaggle
