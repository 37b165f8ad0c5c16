#pragma once
// A session's recipe in its system prompt: the recipe's instructions, rendered with the values the
// user gave (PUT /sessions/{id}/user_recipe_values), appended to the system prompt of every turn,
// as upstream extends the agent's system prompt with them. Built from the stored session each
// turn, so /agent/update_from_session and new values take effect on the next turn.
#include "config/config.hpp"
#include "store/session_types.hpp"

#include <string>

namespace gaggle {

// "" when the session has no recipe, the recipe has no instructions, or required values are
// still missing (upstream applies the recipe only once it renders).
std::string recipe_system_prompt(const SessionInfo& session, const Config& config);

// The session's recipe rendered with its user values. Throws invalid_argument (missing values,
// template errors) and not_found when the session has no recipe.
Json render_session_recipe(const SessionInfo& session, const Config& config);

} // namespace gaggle
