#pragma once
// What a client may do with one config or secret key, whether it asks over REST (/config/*) or
// ACP (_goose/config/*, _goose/secret/*): one place that says a secret's value never leaves the
// host and what removing an absent key answers.
#include "common/json.hpp"

#include <string>

namespace gaggle {

class Config;

// A plain key's value (null when unset); for a secret, only whether it is set (a boolean).
Json client_config_value(const Config& config, const std::string& key, bool secret);
void set_client_config_value(Config& config, const std::string& key, const Json& value, bool secret);
// Throws not_found ("No secret named K" / "No config key named K") when the key is not there.
void remove_client_config_value(Config& config, const std::string& key, bool secret);

} // namespace gaggle
