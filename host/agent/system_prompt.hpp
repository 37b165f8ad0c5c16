#pragma once
// The system prompt for a turn: a built-in template, or the user's override in
// <config>/prompts/system.md (what /config/prompts will edit), with {{working_dir}},
// {{date}} and {{extensions}} filled in.
#include "config/config.hpp"

#include <string>
#include <vector>

namespace gaggle {
std::string build_system_prompt(const Config& config, const std::string& working_dir,
                                const std::vector<std::string>& extension_names);
}
