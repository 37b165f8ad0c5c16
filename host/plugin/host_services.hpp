#pragma once
// The host's side of the services plugins reach through gaggle_host.get_service. The registry
// only sees these functions, not the config or the store themselves, so it can be tested (and
// plugins exercised) with plain lambdas. An empty function means "this host offers no such service".
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gaggle {

struct HostServices {
    std::function<std::optional<std::string>(const std::string& key)> config_get;
    std::function<std::optional<std::string>(const std::string& key)> secret_get;
    std::function<std::optional<std::string>(const std::string& plugin_id, const std::string& key)> kv_get;
    std::function<void(const std::string& plugin_id, const std::string& key, std::string_view value)> kv_put;
    std::function<void(const std::string& plugin_id, const std::string& key)> kv_remove;
};

} // namespace gaggle
