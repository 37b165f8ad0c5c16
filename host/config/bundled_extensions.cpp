#include "config/bundled_extensions.hpp"

#include "mcp/extension_config.hpp"

namespace gaggle {

const std::vector<BundledExtension>& bundled_extensions()
{
    // developer, todo and extensionmanager are what a fresh install gives the agent; the others
    // are one switch away (summon is also switched on for a recipe with sub_recipes). Builtin names must be servers `gaggle mcp` knows.
    static const std::vector<BundledExtension> table{
        {"developer", "builtin", "Developer", "Run shell commands, view and edit files, list the project tree", true},
        {"memory", "builtin", "Memory", "Remember facts and preferences across sessions, as plain files", false},
        {"todo", "platform", "Todo", "A task list the agent keeps for this session", true},
        {"extensionmanager", "platform", "Extension Manager",
         "Lets the agent find, enable and disable extensions, and read their resources", true},
        {"chatrecall", "platform", "Chat Recall", "Search and read your earlier sessions", false},
        {"summon", "platform", "Summon",
         "Load recipes and sub-recipes into the conversation, and delegate tasks to subagents", false},
    };
    return table;
}

Json bundled_extension_config(const BundledExtension& extension)
{
    Json config{{"type", extension.type},           {"name", extension.name},  {"display_name", extension.display_name},
                {"description", extension.description}, {"bundled", true}, {"available_tools", Json::array()}};
    if (extension.type == "builtin") config["timeout"] = mcp::default_timeout_seconds;
    return config;
}

} // namespace gaggle
