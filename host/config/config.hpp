#pragma once
// The deployment's configuration: environment > config.yaml > defaults for every key, and
// environment > the secret store (OS keyring or secrets.yaml) for secrets.
//
// Thread-safe. Reads notice when another process replaced config.yaml (device, inode, size and
// mtime are compared on each read) and re-read it. Writes are serialised in this process and
// with other Gaggle processes (flock on the config directory), start from the file as it is on
// disk, edit only the keys they change as text (comments and unknown keys are kept; see
// yaml_text_edit.hpp), rotate config.yaml.bak..bak.5, and replace the file atomically (temp file,
// fsync, rename). A config.yaml that does not parse is reported (with its line), the server runs
// on defaults, and writes are refused until it is fixed or POST /config/recover restores a backup:
// the user's file is never overwritten behind their back.
#include "common/json.hpp"
#include "config/environment.hpp"
#include "config/paths.hpp"
#include "config/secret_store.hpp"

#include <functional>
#include <memory>
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
    // Reads config.yaml (or `config_file` when given, as with --config) and the secrets. Without a
    // secret store, secrets.yaml beside config.yaml is used (no keyring).
    static Config load(const Paths& paths, EnvLookup env, const std::optional<std::string>& config_file = {},
                       std::unique_ptr<SecretStore> secrets = nullptr);
    Config(Config&&) noexcept;
    Config& operator=(Config&&) noexcept;
    ~Config();

    // The value for `key`: the environment variable of the key upper-cased wins (its text is read
    // as JSON when it parses as a number, bool, array or object), then the file. nullopt if unset.
    std::optional<Json> get(const std::string& key) const;
    // The same as text: strings as they are, other values as JSON.
    std::optional<std::string> get_string(const std::string& key) const;
    std::optional<std::string> get_secret(const std::string& key) const;
    std::string get_string_or(const std::string& key, const std::string& fallback) const;

    // A snapshot of config.yaml's values (no environment, no secrets).
    Json file_values() const;
    ConfigLoadReport report() const;
    const Paths& paths() const noexcept;
    const EnvLookup& env() const noexcept;
    const std::filesystem::path& file_path() const noexcept;
    // "keyring" or the path of secrets.yaml; for logs and diagnostics.
    std::string secret_store_name() const;

    // [blocking, thread-safe] Changes config.yaml: `change` gets the file's current values and
    // edits them; only top-level keys whose value changed are rewritten. Throws
    // Error(conflict) when config.yaml does not parse, Error(internal) when it cannot be written.
    // This is the one writer of config.yaml: route groups that own a key (extensions, ...) call it.
    void update(const std::function<void(Json& values)>& change);
    void set(const std::string& key, const Json& value);
    // false when the file has no such key.
    bool remove(const std::string& key);

    // [blocking, thread-safe] The secret store, read fresh before each change.
    void set_secret(const std::string& key, const Json& value);
    bool remove_secret(const std::string& key);

    // The outcome of the maintenance routes (/config/init, /backup, /recover), as a sentence.
    // init: creates config.yaml from `seed` (an init-config.yaml) when there is no config.yaml.
    std::string init_from(const std::optional<std::filesystem::path>& seed);
    std::string backup();
    std::string recover();
    // nullopt when config.yaml parses (or does not exist), else the parse error with its line.
    std::optional<std::string> validate() const;

private:
    struct State;
    explicit Config(std::unique_ptr<State> state);
    std::unique_ptr<State> s_;
};

// Reads one flat YAML map file into JSON, filling `report` on problems. A missing file is {}.
Json read_yaml_map(const std::string& path, ConfigLoadReport& report);
// The same for text already read.
Json parse_yaml_map(const std::string& text, ConfigLoadReport& report);

} // namespace gaggle
