#pragma once
// Which plugins a deployment runs and with what settings. Plugins are found beside the binary
// (bin/../lib/gaggle/plugins) and in GAGGLE_PLUGIN_PATH (':'-separated); every plugin found is
// enabled unless config.yaml says `plugins: {<id>: {enabled: false}}` or GAGGLE_DISABLED_PLUGINS
// (','-separated ids) names it. `plugins: {<id>: {config: {...}}}` is handed to the plugin's create().
#include "config/config.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gaggle {

struct PluginSettings {
    std::vector<std::string> directories;
    std::set<std::string> disabled;
    std::map<std::string, std::string> config_json; // id -> JSON text
};

PluginSettings resolve_plugin_settings(const Config& config, const std::filesystem::path& executable_dir);

// The directory of the running executable (following the goosed symlink to the real binary).
std::filesystem::path executable_dir();

} // namespace gaggle
