#pragma once
// The system prompt for a turn: the "system.md" prompt template (built in, or the user's
// override edited through /config/prompts), with {{working_dir}}, {{date}} and {{extensions}}
// filled in, and {{extension_instructions}} with what the extensions tell the model.
#include "config/config.hpp"

#include <string>
#include <vector>

namespace gaggle {

struct ExtensionPrompt {
    std::string name;
    std::string instructions; // what the extension tells the model (MCP `instructions`); may be empty
};

// `extensions` in the order they are listed. {{extension_instructions}} becomes each extension's
// instructions under a heading of its name, as upstream's prompt shows them (at most 16 KiB each:
// a server's text must not crowd out the conversation); a user's own system.md decides whether to
// show them.
std::string build_system_prompt(const Config& config, const std::string& working_dir,
                                const std::vector<ExtensionPrompt>& extensions);

} // namespace gaggle
