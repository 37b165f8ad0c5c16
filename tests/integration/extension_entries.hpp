#pragma once
// Reading /config/extensions and extension_results when Gaggle's bundled extensions are listed
// beside the ones a test configured.
#include <nlohmann/json.hpp>

#include <string>

namespace gaggle::test {

// The entries of an ExtensionResponse that config.yaml holds (the bundled ones left out).
inline nlohmann::json configured_entries(const nlohmann::json& listed)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : listed["extensions"])
        if (!e.value("bundled", false)) out.push_back(e);
    return out;
}

// The ExtensionLoadResult named `name`; null when absent.
inline nlohmann::json result_named(const nlohmann::json& results, const std::string& name)
{
    for (const auto& r : results)
        if (r.value("name", std::string()) == name) return r;
    return nullptr;
}

} // namespace gaggle::test
