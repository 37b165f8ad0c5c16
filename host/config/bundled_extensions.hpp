#pragma once
// The extensions that ship with Gaggle: the builtin MCP servers (`gaggle mcp NAME`, started as a
// child over stdio) and the platform extensions that run inside the host. /config/extensions
// lists each with `bundled: true` even when config.yaml does not name it, and a session's
// default extensions include the ones enabled by default, as upstream's PLATFORM_EXTENSIONS
// table does. An entry of the same name in config.yaml overrides the default (`enabled: false`
// alone is enough to switch one off).
#include "common/json.hpp"

#include <string>
#include <vector>

namespace gaggle {

struct BundledExtension {
    std::string name;         // also its config.yaml key and tool prefix
    std::string type;         // "builtin" or "platform"
    std::string display_name;
    std::string description;
    bool enabled_by_default = false;
};

const std::vector<BundledExtension>& bundled_extensions();

// The ExtensionConfig of a bundled extension (`bundled: true`, no `enabled`).
Json bundled_extension_config(const BundledExtension& extension);

} // namespace gaggle
