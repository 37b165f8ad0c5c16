#include "store/kv_rules.hpp"

#include "common/error.hpp"
#include "store/kv_store.hpp"

namespace gaggle {

void validate_kv_ids(const std::string& plugin_id, const std::string& key) {
    if (plugin_id.empty()) throw invalid_argument("plugin_id must not be empty");
    if (key.empty()) throw invalid_argument("key must not be empty");
}

void validate_kv_value(std::string_view value) {
    if (value.size() > KvStore::max_value_bytes) throw Error(ErrorKind::payload_too_large, "value must be at most 16 MiB");
}

} // namespace gaggle
