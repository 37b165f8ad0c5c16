#include "config/paths.hpp"

namespace gaggle {
namespace {

std::filesystem::path xdg(const EnvLookup& env, const char* variable, const char* fallback_under_home)
{
    if (auto v = env(variable); v && !v->empty()) return std::filesystem::path(*v) / "goose";
    const auto home = env("HOME");
    const std::filesystem::path base = home && !home->empty() ? std::filesystem::path(*home) : std::filesystem::path("/tmp");
    return base / fallback_under_home / "goose";
}

} // namespace

Paths Paths::resolve(const EnvLookup& env)
{
    if (auto root = env("GOOSE_PATH_ROOT"); root && !root->empty()) {
        const std::filesystem::path r(*root);
        return Paths{r / "config", r / "data", r / "state"};
    }
    return Paths{xdg(env, "XDG_CONFIG_HOME", ".config"), xdg(env, "XDG_DATA_HOME", ".local/share"),
                 xdg(env, "XDG_STATE_HOME", ".local/state")};
}

} // namespace gaggle
