#include "config/client_config_access.hpp"

#include "common/error.hpp"
#include "config/config.hpp"

namespace gaggle {

Json client_config_value(const Config& config, const std::string& key, bool secret)
{
    if (secret) return config.get_secret(key).has_value();
    return config.get(key).value_or(Json());
}

void set_client_config_value(Config& config, const std::string& key, const Json& value, bool secret)
{
    if (secret) config.set_secret(key, value);
    else config.set(key, value);
}

void remove_client_config_value(Config& config, const std::string& key, bool secret)
{
    const bool removed = secret ? config.remove_secret(key) : config.remove(key);
    if (!removed) throw not_found("No " + std::string(secret ? "secret" : "config key") + " named " + key);
}

} // namespace gaggle
