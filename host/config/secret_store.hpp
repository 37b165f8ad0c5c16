#pragma once
// Where secrets (API keys) live, as goose keeps them: one JSON object of key -> value, either in
// the OS keyring (Secret Service: service "goose", account "secrets") or in secrets.yaml beside
// config.yaml (mode 0600). Values never appear in an error message or a log line.
#include "common/json.hpp"
#include "config/environment.hpp"
#include "config/paths.hpp"

#include <memory>
#include <string>

namespace gaggle {

class SecretStore {
public:
    virtual ~SecretStore() = default;
    // "keyring" or the file's path.
    virtual std::string name() const = 0;
    // [blocking, thread-safe] Every secret as one JSON object ({} when none). Throws
    // Error(unavailable) when the store cannot be read.
    virtual Json load() = 0;
    // [blocking, thread-safe] Replaces every secret. Throws Error(unavailable|internal).
    virtual void save(const Json& secrets) = 0;
};

std::unique_ptr<SecretStore> file_secret_store(std::filesystem::path file);
// The Secret Service through libsecret. Does not probe: load() fails when it is unreachable.
std::unique_ptr<SecretStore> keyring_secret_store();

// The store goose would use: secrets.yaml when GOOSE_DISABLE_KEYRING is set or no session bus is
// known (DBUS_SESSION_BUS_ADDRESS), else the keyring when a first read succeeds, else
// secrets.yaml with one log line saying why.
std::unique_ptr<SecretStore> open_secret_store(const Paths& paths, const EnvLookup& env);

} // namespace gaggle
