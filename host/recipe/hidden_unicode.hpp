#pragma once
// Hidden-Unicode scan (/recipes/scan, and /recipes/save refuses what it finds). Upstream flags
// Unicode tag characters (U+E0000–U+E007F: invisible ASCII look-alikes used to smuggle
// instructions to a model) in instructions, prompt, activities and stdio command fields. We flag
// those too, plus the other characters that make text read differently from what the model gets:
// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, "Trojan Source") and
// invisible zero-width characters (U+200B, U+200C, U+2060, U+FEFF, U+180E). U+200D (zero-width
// joiner) is left alone: every multi-person or flagged emoji needs it.
#include "common/json.hpp"

#include <optional>
#include <string>

namespace gaggle {

struct HiddenCharacter {
    std::string field;   // "instructions", "activities[2]", "extensions[0].args[1]"
    char32_t code_point; // the first suspicious one in that field
};

// The first hidden character in a text, if any (invalid UTF-8 is not hidden text; skipped).
std::optional<char32_t> find_hidden_character(const std::string& text);

// The first field of the recipe holding one: instructions, prompt, activities, and the command
// fields of stdio extensions (cmd, args, env values, cwd) and of retry checks.
std::optional<HiddenCharacter> scan_recipe_for_hidden_characters(const Json& recipe);

} // namespace gaggle
