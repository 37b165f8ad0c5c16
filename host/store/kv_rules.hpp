#pragma once
// Input rules every KvStore engine applies before touching its database, so they agree on what
// is valid. Each throws gaggle::Error.
#include <string>
#include <string_view>

namespace gaggle {

// Error(invalid_argument) for an empty plugin id or key.
void validate_kv_ids(const std::string& plugin_id, const std::string& key);
// Error(payload_too_large) above KvStore::max_value_bytes.
void validate_kv_value(std::string_view value);

} // namespace gaggle
