#pragma once
// A recipe as YAML text (/recipes/to-yaml, files in the recipe library): fields in upstream's
// order, multi-line text as literal blocks (`prompt: |`) so a prompt reads as written, and text
// that would read back as a number or boolean quoted, so parsing the output gives the recipe back.
#include "common/json.hpp"

#include <string>

namespace gaggle {
std::string recipe_to_yaml(const Json& recipe);
}
