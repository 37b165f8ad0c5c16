#pragma once
// Recipe documents: YAML or JSON text in, a validated recipe (as JSON, the shape of the OpenAPI
// Recipe schema) out. Every problem names the field path and, for text, the line:
//   "`parameters[1].default` (line 14): an optional parameter needs a default"
// The shape is goose-internals.md §7: title, description, instructions and/or prompt,
// extensions, settings, activities, author, parameters, response.json_schema, sub_recipes,
// retry, legacy context. Unknown fields are kept and ignored, as upstream's serde does.
#include "common/json.hpp"

#include <map>
#include <string>

namespace gaggle {

// JSON-pointer-like paths ("parameters[1].default") to 1-based source lines.
using RecipeLines = std::map<std::string, int>;

struct RecipeText {
    Json document;     // the parsed value, before validation
    RecipeLines lines; // empty for JSON text (nlohmann keeps no positions)
};

// Parses YAML (JSON is accepted too) into a JSON value, bounded in depth and size. A document
// that is `{recipe: {...}}` is unwrapped as upstream does. Throws invalid_argument with the line.
RecipeText parse_recipe_text(const std::string& text);

// Checks a recipe's shape and the parameter rules, and normalises it: `version` defaults to
// "1.0.0", scalars where text is expected (`default: 5`, `version: 1.0`) become text, extension
// `description` defaults to "". Throws invalid_argument naming the field (and line when known).
Json validate_recipe(const Json& recipe, const RecipeLines& lines = {});

// The recipe with its fields in upstream's serialisation order (version, title, description,
// instructions, prompt, extensions, settings, activities, author, parameters, response,
// sub_recipes, retry, then any others) and null fields dropped, as upstream writes them.
Json recipe_in_field_order(const Json& recipe);

// Both, for text: parse then validate.
Json parse_and_validate_recipe(const std::string& text);

} // namespace gaggle
