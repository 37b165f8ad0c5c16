#pragma once
// Recipe deeplinks: goose://recipe?config=<base64 of the recipe JSON> (URL-safe or standard
// base64, padded or not). The whole link or just the config value is accepted.
#include "common/json.hpp"

#include <string>

namespace gaggle {
// Throws invalid_argument when the text is not a deeplink to a recipe object with a title.
Json decode_recipe_deeplink(const std::string& link);

// The config value upstream's encoder makes: URL-safe base64 without padding of the recipe's
// compact JSON, fields in upstream's order (so the same recipe gives the same link as goosed).
// The caller prefixes "goose://recipe?config=" where it wants a whole link.
std::string encode_recipe_deeplink(const Json& recipe);
}
