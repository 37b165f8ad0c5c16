#include "config/plugin_settings.hpp"

#include <sstream>

namespace gaggle {
namespace {

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty()) out.push_back(item);
    return out;
}

} // namespace

std::filesystem::path executable_dir()
{
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::current_path() : exe.parent_path();
}

PluginSettings resolve_plugin_settings(const Config& config, const std::filesystem::path& exe_dir)
{
    PluginSettings s;
    s.directories.push_back((exe_dir / ".." / "lib" / "gaggle" / "plugins").lexically_normal().string());
    if (auto extra = config.env()("GAGGLE_PLUGIN_PATH"))
        for (auto& dir : split(*extra, ':')) s.directories.push_back(dir);
    if (auto plugins = config.get("plugins"); plugins && plugins->is_object()) {
        for (auto& [id, entry] : plugins->items()) {
            if (!entry.is_object()) continue;
            if (entry.contains("enabled") && entry["enabled"] == false) s.disabled.insert(id);
            if (entry.contains("config") && entry["config"].is_object()) s.config_json[id] = entry["config"].dump();
        }
    }
    if (auto off = config.env()("GAGGLE_DISABLED_PLUGINS"))
        for (auto& id : split(*off, ',')) s.disabled.insert(id);
    return s;
}

} // namespace gaggle
