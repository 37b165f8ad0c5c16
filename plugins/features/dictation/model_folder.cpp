#include "model_folder.hpp"

#include <cstdlib>

namespace gaggle::dictation {
namespace {

std::string env_or_empty(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

} // namespace

std::filesystem::path model_folder(const sdk::Host& host, const nlohmann::json& plugin_config)
{
    if (auto it = plugin_config.find("model_dir"); it != plugin_config.end() && it->is_string() &&
                                                    !it->get<std::string>().empty())
        return it->get<std::string>();
    if (auto dir = host.config("DICTATION_MODEL_DIR"); dir && !dir->empty()) return *dir;
    if (host.service<gaggle_host_paths_v1>(GAGGLE_HOST_PATHS_V1)) return host.data_dir();
    std::string root = host.config("GOOSE_PATH_ROOT").value_or(env_or_empty("GOOSE_PATH_ROOT"));
    if (!root.empty()) return std::filesystem::path(root) / "data" / "dictation";
    if (const std::string xdg = env_or_empty("XDG_DATA_HOME"); !xdg.empty())
        return std::filesystem::path(xdg) / "goose" / "dictation";
    const std::string home = env_or_empty("HOME");
    return std::filesystem::path(home.empty() ? "/tmp" : home) / ".local" / "share" / "goose" / "dictation";
}

} // namespace gaggle::dictation
