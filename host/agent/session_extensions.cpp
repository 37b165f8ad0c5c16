#include "agent/session_extensions.hpp"

#include "common/error.hpp"
#include "config/extensions_config.hpp"

namespace gaggle {

Json configured_extensions(const Config& config)
{
    // Read fresh each time (Config re-reads a changed file): /config/extensions edits it while the server runs.
    try {
        return ExtensionsConfig::enabled(config);
    } catch (const Error&) {
        return Json::array(); // a broken config.yaml is reported at start-up; no extensions then
    }
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
