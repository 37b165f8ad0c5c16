#include "config/extensions_config.hpp"

#include "common/error.hpp"
#include "config/bundled_extensions.hpp"
#include "config/config.hpp"
#include "mcp/extension_config.hpp"

namespace gaggle {
namespace {

const BundledExtension* bundled_named(const std::string& key)
{
    for (const auto& b : bundled_extensions())
        if (b.name == key) return &b;
    return nullptr;
}

} // namespace

Json ExtensionsConfig::entries(const Config& config)
{
    Json list = Json::array();
    Json warnings = Json::array();
    const Json values = config.file_values();
    auto map = values.find("extensions");
    if (map != values.end() && map->is_object())
        for (auto& [key, value] : map->items()) {
            Json entry = value;
            if (!entry.is_object()) {
                warnings.push_back("extension '" + key + "' in config.yaml is not a map and was skipped");
                continue;
            }
            if (!entry.contains("name")) entry["name"] = key;
            // `developer: {enabled: false}` is enough to switch a bundled one off: the rest of its
            // definition comes from the table.
            if (const BundledExtension* b = bundled_named(key); b && !entry.contains("type")) {
                const Json defaults = bundled_extension_config(*b);
                for (auto& [field, v] : defaults.items())
                    if (!entry.contains(field)) entry[field] = v;
            }
            if (!entry.contains("enabled") || !entry["enabled"].is_boolean()) entry["enabled"] = false;
            try {
                Json checked = entry;
                checked.erase("enabled");
                mcp::parse_extension_config(checked, "extensions." + key);
            } catch (const Error& e) {
                warnings.push_back(e.what());
            }
            list.push_back(std::move(entry));
        }
    for (const auto& b : bundled_extensions()) {
        if (map != values.end() && map->is_object() && map->contains(b.name)) continue;
        Json entry = bundled_extension_config(b);
        entry["enabled"] = b.enabled_by_default;
        list.push_back(std::move(entry));
    }
    return Json{{"extensions", list}, {"warnings", warnings}};
}

Json ExtensionsConfig::enabled(const Config& config)
{
    Json out = Json::array();
    Json all = entries(config);
    for (auto& e : all["extensions"]) {
        if (!e.value("enabled", false)) continue;
        e.erase("enabled");
        out.push_back(e);
    }
    return out;
}

void ExtensionsConfig::upsert(const std::string& name, const Json& config, bool enabled)
{
    Json entry = config;
    entry["enabled"] = enabled;
    config_.update([&](Json& values) {
        Json& map = values["extensions"];
        if (!map.is_object()) map = Json::object();
        map[mcp::extension_key(name)] = entry;
    });
}

bool ExtensionsConfig::remove(const std::string& name)
{
    const std::string key = mcp::extension_key(name);
    bool found = false;
    config_.update([&](Json& values) {
        auto map = values.find("extensions");
        found = map != values.end() && map->is_object() && map->erase(key) > 0;
    });
    return found;
}

} // namespace gaggle
