#pragma once
// /recipes/create: the session's own provider turns its conversation into a recipe. The model is
// asked for one JSON object {title, description, instructions, activities}; what it answers is
// checked like any recipe before it is returned. Nothing is stored.
#include "agent/turn_context.hpp"
#include "common/json.hpp"

#include <string>

namespace gaggle {

// [blocking: one provider call] Throws not_found (unknown session), precondition (no provider
// or model configured), invalid_argument (no conversation yet, or the model's answer is not a
// recipe), or the provider's mapped error kind.
Json create_recipe_from_session(AgentServices& services, const std::string& owner, const std::string& session_id);

} // namespace gaggle
