#pragma once
// The `extensions:` map of config.yaml (key -> ExtensionConfig fields plus `enabled`). Reads come
// from the deployment's Config, which re-reads the file when another process changed it; writes
// go through Config::update, the one writer of config.yaml: only the `extensions:` entry is
// rewritten, so every other key and the comments around them stay as they were, and the file is
// replaced atomically with its backups rotated.
#include "common/json.hpp"

#include <string>

namespace gaggle {

class Config;

class ExtensionsConfig {
public:
    explicit ExtensionsConfig(Config& config) : config_(config) {}

    // ExtensionResponse {extensions: ExtensionEntry[], warnings: string[]}: the entries of
    // config.yaml, then every bundled extension it does not name, with its default `enabled`.
    static Json entries(const Config& config);
    // ExtensionConfig objects of the enabled entries (without `enabled`).
    static Json enabled(const Config& config);

    Json entries() const { return entries(config_); }
    // Adds or replaces the entry of `name`'s key.
    void upsert(const std::string& name, const Json& config, bool enabled);
    // false when no entry has `name`'s key.
    bool remove(const std::string& name);

private:
    Config& config_;
};

} // namespace gaggle
