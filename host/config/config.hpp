#pragma once
// The deployment's configuration: environment > config.yaml > defaults for every key, and
// environment > secrets.yaml for secrets. A broken config.yaml is reported (with its line) and
// the server runs on defaults; the user's file is never rewritten behind their back.
#include "common/json.hpp"
#include "config/environment.hpp"
#include "config/paths.hpp"

#include <optional>
#include <string>

namespace gaggle {

struct ConfigLoadReport {
    std::string path;
    bool present = false; // the file exists
    std::string error;    // empty when it parsed
    int line = 0;         // 1-based line of the error, 0 when unknown
};

class Config {
public:
    // Reads config.yaml (or `config_file` when given, as with --config) and secrets.yaml.
    static Config load(const Paths& paths, EnvLookup env, const std::optional<std::string>& config_file = {});

    // The value for `key`: the environment variable of the key upper-cased wins (its text is read
    // as JSON when it parses as a number, bool, array or object), then the file. nullopt if unset.
    std::optional<Json> get(const std::string& key) const;
    // The same as text: strings as they are, other values as JSON.
    std::optional<std::string> get_string(const std::string& key) const;
    std::optional<std::string> get_secret(const std::string& key) const;
    std::string get_string_or(const std::string& key, const std::string& fallback) const;

    const Json& file_values() const noexcept { return values_; }
    const ConfigLoadReport& report() const noexcept { return report_; }
    const Paths& paths() const noexcept { return paths_; }
    const EnvLookup& env() const noexcept { return env_; }

private:
    Paths paths_;
    EnvLookup env_;
    Json values_ = Json::object();
    Json secrets_ = Json::object();
    ConfigLoadReport report_;
};

// Reads one flat YAML map file into JSON, filling `report` on problems. A missing file is {}.
Json read_yaml_map(const std::string& path, ConfigLoadReport& report);

} // namespace gaggle
