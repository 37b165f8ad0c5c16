#pragma once
// ExtensionConfig (goosed-api.md §6.3): checked once where it enters (a route, config.yaml, a
// recipe), so everything after can trust it. A wrong field is an unprocessable error naming it;
// an env name that could hijack the child (PATH, LD_PRELOAD, ...) is an invalid_argument.
#include "common/json.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::mcp {

struct ExtensionSpec {
    std::string name;          // as configured
    std::string key;           // normalised: the tool prefix and the config.yaml key
    std::string type;          // stdio | builtin | platform | streamable_http | sse | frontend | inline_python
    std::chrono::seconds timeout{300};
    std::vector<std::string> available_tools; // empty: all
    Json config;               // the ExtensionConfig as given
};

inline constexpr std::int64_t default_timeout_seconds = 300;

// The config.yaml key of an extension name: whitespace removed, lower-cased, and anything outside
// [a-z0-9_-] mapped to '_' (it becomes part of every tool name: `key__tool`).
std::string extension_key(const std::string& name);

// Environment names a config may not set, because they change which code the child runs.
bool dangerous_env_name(const std::string& name);

// Validates `config`; `where` prefixes field names in messages ("config", "extension_overrides[2]").
ExtensionSpec parse_extension_config(const Json& config, const std::string& where = "config");

} // namespace gaggle::mcp
