#pragma once
// Applies parameter values to a recipe (what a session, /agent/start and the scheduler run):
// every text field of the recipe but its `parameters` is rendered as a template (see
// template.hpp) with the values, the parameters' defaults and the builtin `recipe_dir`.
// Required parameters without a value or default are an error before anything is rendered; a
// `file` parameter's value is a path whose content becomes the value, as upstream does.
#include "common/json.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace gaggle {

// The builtin variable that names the directory the recipe was loaded from.
inline constexpr const char* recipe_dir_variable = "recipe_dir";

// Throws invalid_argument("Missing required parameters: a, b") when one is missing, or naming
// the field and template line when a template fails ("`prompt`: template error at line 2: ...").
// `recipe_dir` is where `{% include %}` reads from and what `{{ recipe_dir }}` says.
Json render_recipe(const Json& recipe, const std::map<std::string, std::string>& values,
                   const std::filesystem::path& recipe_dir = {});

// The variables the recipe's templates read (recipe_dir and template-local names excluded).
std::set<std::string> recipe_template_variables(const Json& recipe, const std::filesystem::path& recipe_dir = {});

// Upstream's parse-time rule: every template variable is a declared parameter and every
// parameter is used. Throws invalid_argument naming the keys.
void check_recipe_parameters(const Json& recipe, const std::filesystem::path& recipe_dir = {});

} // namespace gaggle
