#pragma once
// Where the dictation plugin keeps downloaded speech models. One function, so that moving to the
// SDK 1.1 per-plugin data folder service is a single edit here.
#include <gaggle/cpp/plugin.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace gaggle::dictation {

// In order: the plugin config's "model_dir" (plugins: {dictation: {config: {model_dir}}}), the host
// config key DICTATION_MODEL_DIR, $GOOSE_PATH_ROOT/data/dictation, $XDG_DATA_HOME/goose/dictation,
// ~/.local/share/goose/dictation. The folder is not created here.
std::filesystem::path model_folder(const sdk::Host& host, const nlohmann::json& plugin_config);

} // namespace gaggle::dictation
