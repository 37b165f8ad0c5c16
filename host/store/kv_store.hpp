#pragma once
// The key-value service offered to plugins (host.h "kv" service): opaque byte values under
// (plugin id, key). Separate from SessionStore because plugins see it and sessions they don't.
// Thread-safe; every put/erase is durable when it returns.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

class KvStore {
public:
    // Values above this are refused with Error(payload_too_large): the store is for state,
    // not for files.
    static constexpr std::size_t max_value_bytes = 16u * 1024u * 1024u;

    virtual ~KvStore() = default;
    virtual std::optional<std::string> get(const std::string& plugin_id, const std::string& key) = 0;
    virtual void put(const std::string& plugin_id, const std::string& key, std::string_view value) = 0;
    // Returns whether the key existed.
    virtual bool erase(const std::string& plugin_id, const std::string& key) = 0;
    // Keys of one plugin starting with prefix, sorted bytewise.
    virtual std::vector<std::string> list_keys(const std::string& plugin_id,
                                               const std::string& prefix) = 0;
    // Stores value under key only when the key is absent, atomically even across processes
    // sharing the store; returns whether this call stored it (false leaves the old value).
    virtual bool insert_if_absent(const std::string& plugin_id, const std::string& key, std::string_view value) = 0;
};

} // namespace gaggle
