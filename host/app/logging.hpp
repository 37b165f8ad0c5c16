#pragma once
// Logging: human lines on stderr, and a rotating file under the state dir. Level from
// GOOSE_LOG_LEVEL, else RUST_LOG (its global level, e.g. "info" in "info,goose=debug"), else info.
#include "config/environment.hpp"

#include <filesystem>
#include <string>

namespace gaggle {

std::string log_level_name(const EnvLookup& env);
// Installs the default logger. The file sink is skipped (with a warning) when the log dir cannot
// be created: logging must never stop the server from starting.
void setup_logging(const EnvLookup& env, const std::filesystem::path& log_dir);

} // namespace gaggle
