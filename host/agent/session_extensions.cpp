#include "agent/session_extensions.hpp"

#include "common/error.hpp"
#include "config/bundled_extensions.hpp"
#include "config/extensions_config.hpp"
#include "mcp/extension_config.hpp"

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

namespace {

bool has_sub_recipes(const SessionInfo& session)
{
    if (!session.recipe || !session.recipe->is_object()) return false;
    auto it = session.recipe->find("sub_recipes");
    return it != session.recipe->end() && it->is_array() && !it->empty();
}

bool lists_extension(const Json& extensions, const std::string& key)
{
    for (const auto& e : extensions)
        if (e.is_object() && e.contains("name") && e["name"].is_string() &&
            mcp::extension_key(e["name"].get<std::string>()) == key)
            return true;
    return false;
}

} // namespace

Json session_extensions(const SessionInfo& session, const Config& config)
{
    Json extensions;
    auto it = session.extension_data.find(enabled_extensions_key);
    if (it != session.extension_data.end() && it->is_object() && it->contains("extensions") &&
        (*it)["extensions"].is_array())
        extensions = (*it)["extensions"];
    else
        extensions = configured_extensions(config);
    // A recipe's sub-recipes run through summon, as upstream injects it: without it they could
    // not run at all. A subagent's own session never delegates further.
    if (has_sub_recipes(session) && session.session_type != "sub_agent" && !lists_extension(extensions, "summon"))
        for (const auto& b : bundled_extensions())
            if (b.name == "summon") extensions.push_back(bundled_extension_config(b));
    return extensions;
}

Json extension_data_with(Json extension_data, const Json& extensions)
{
    if (!extension_data.is_object()) extension_data = Json::object();
    extension_data[enabled_extensions_key] = Json{{"extensions", extensions}};
    return extension_data;
}

} // namespace gaggle
