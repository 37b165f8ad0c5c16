#pragma once
// The `extensions:` map of config.yaml (key -> ExtensionConfig fields plus `enabled`), read fresh
// from the file each time and edited in place: every other key of the file is kept, and the new
// file replaces the old atomically (temp file, fsync, rename), so a crash never leaves half a
// config. yaml-cpp does not keep comments: a file edited here loses its comments.
#include "common/json.hpp"

#include <filesystem>
#include <string>

namespace gaggle {

class ExtensionsConfig {
public:
    explicit ExtensionsConfig(std::filesystem::path file) : file_(std::move(file)) {}

    // ExtensionResponse {extensions: ExtensionEntry[], warnings: string[]}.
    Json entries() const;
    // ExtensionConfig objects of the enabled entries (without `enabled`).
    Json enabled() const;
    // Adds or replaces the entry of `name`'s key.
    void upsert(const std::string& name, const Json& config, bool enabled);
    // false when no entry has `name`'s key.
    bool remove(const std::string& name);

private:
    std::filesystem::path file_;
};

} // namespace gaggle
