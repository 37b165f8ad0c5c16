#pragma once
// The system prompt for a turn: the "system.md" prompt template (built in, or the user's
// override edited through /config/prompts), with {{working_dir}}, {{date}} and {{extensions}}
// filled in.
#include "config/config.hpp"

#include <string>
#include <vector>

namespace gaggle {
std::string build_system_prompt(const Config& config, const std::string& working_dir,
                                const std::vector<std::string>& extension_names);
}
