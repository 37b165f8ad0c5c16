#pragma once
// Where the dictation plugin keeps downloaded speech models.
#include <gaggle/cpp/plugin.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace gaggle::dictation {

// In order: the plugin config's "model_dir" (plugins: {dictation: {config: {model_dir}}}), the host
// config key DICTATION_MODEL_DIR, else the plugin's private data folder from the SDK 1.1 paths
// service (<data dir>/plugins/dictation, created by the host). Only on a host without that service
// (ABI 1.0): $GOOSE_PATH_ROOT/data/dictation, $XDG_DATA_HOME/goose/dictation or
// ~/.local/share/goose/dictation. Throws sdk::Error when the host's data folder cannot be created.
std::filesystem::path model_folder(const sdk::Host& host, const nlohmann::json& plugin_config);

} // namespace gaggle::dictation
