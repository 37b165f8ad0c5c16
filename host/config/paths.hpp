#pragma once
// Where goose keeps things (goosed-api.md §2.4): GOOSE_PATH_ROOT/{config,data,state} when set,
// otherwise the XDG directories with app name "goose", so Gaggle and goosed share one layout.
#include "config/environment.hpp"

#include <filesystem>

namespace gaggle {

struct Paths {
    std::filesystem::path config_dir, data_dir, state_dir;

    static Paths resolve(const EnvLookup& env);

    std::filesystem::path config_file() const { return config_dir / "config.yaml"; }
    std::filesystem::path secrets_file() const { return config_dir / "secrets.yaml"; }
    std::filesystem::path sessions_db() const { return data_dir / "sessions" / "sessions.db"; }
    std::filesystem::path log_dir() const { return state_dir / "logs" / "server"; }
};

} // namespace gaggle
