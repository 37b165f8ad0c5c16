#pragma once
// The rule for a config or secret key a client names (POST /config/read|upsert|remove and ACP's
// _goose/config/*): not empty, at most 256 characters, no control characters, since it becomes a
// YAML key or a keyring attribute.
#include <string>

namespace gaggle {

// Returns `key`; throws invalid_argument naming `field` when it breaks the rule.
std::string checked_config_key(std::string key, const char* field = "key");

} // namespace gaggle
