#pragma once
// Applies a user's parameter values to a recipe: every {{ name }} in the recipe's text fields
// (instructions, prompt, activities, description) becomes the value. Required parameters without a
// value or default are an error. This covers the parameter substitution the desktop relies on;
// full template logic (conditions, filters) comes with the recipes work.
#include "common/json.hpp"

#include <map>
#include <string>

namespace gaggle {

// Throws invalid_argument("Missing required parameters: a, b") when one is missing.
Json render_recipe(const Json& recipe, const std::map<std::string, std::string>& values);

} // namespace gaggle
