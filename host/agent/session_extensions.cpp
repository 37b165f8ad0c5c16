#include "agent/session_extensions.hpp"

namespace gaggle {

Json configured_extensions(const Config& config)
{
    Json out = Json::array();
    auto entries = config.get("extensions");
    if (!entries || !entries->is_object()) return out;
    for (auto& [key, entry] : entries->items()) {
        if (!entry.is_object() || !entry.value("enabled", false)) continue;
        Json ext = entry;
        ext.erase("enabled");
        if (!ext.contains("name")) ext["name"] = key;
        out.push_back(std::move(ext));
    }
    return out;
}

Json session_extensions(const SessionInfo& session, const Config& config)
{
    auto it = session.extension_data.find(enabled_extensions_key);
    if (it != session.extension_data.end() && it->is_object() && it->contains("extensions") &&
        (*it)["extensions"].is_array())
        return (*it)["extensions"];
    return configured_extensions(config);
}

Json extension_data_with(Json extension_data, const Json& extensions)
{
    if (!extension_data.is_object()) extension_data = Json::object();
    extension_data[enabled_extensions_key] = Json{{"extensions", extensions}};
    return extension_data;
}

} // namespace gaggle
