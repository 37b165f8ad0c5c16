#pragma once
// Where and how the server listens, and who may call it. Precedence for each setting:
// command-line flag > environment (goosed's names, then the seed-era goose-api names) >
// config.yaml > default.
#include "config/config.hpp"
#include "http/auth.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct CommandLineOverrides {
    std::optional<std::string> host;
    std::optional<std::string> port; // validated with the other sources
    std::optional<std::string> config_file;
};

struct ServerSettings {
    std::string host = "127.0.0.1";
    uint16_t port = 3000;
    std::string secret;
    bool secret_generated = false; // no secret was configured: a random one was made
    std::vector<std::string> cors_origins{"*"};
    std::vector<UserKey> users;    // extra users beyond the desktop secret
    std::vector<std::string> warnings; // problems worth one log line each
};

// Throws gaggle::Error(invalid_argument) for a setting that cannot be used (a port of "abc").
ServerSettings resolve_server_settings(const Config& config, const CommandLineOverrides& flags);

// 32 random bytes as 64 hex digits, from the OS's CSPRNG.
std::string random_secret();

} // namespace gaggle
