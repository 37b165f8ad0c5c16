#include "app/system_info.hpp"

#include "config/extensions_config.hpp"

#include <sys/utsname.h>

namespace gaggle {

Json system_info(const AppContext& app)
{
    struct utsname u {};
    uname(&u);
    // What a new session starts with: config.yaml's enabled entries and the bundled defaults.
    Json enabled = Json::array();
    for (const auto& e : ExtensionsConfig::enabled(app.config)) enabled.push_back(e.value("name", std::string()));
    auto or_null = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
    return Json{{"app_version", GAGGLE_VERSION},
                {"os", u.sysname},
                {"os_version", u.release},
                {"architecture", u.machine},
                {"provider", or_null(app.config.get_string("GOOSE_PROVIDER"))},
                {"model", or_null(app.config.get_string("GOOSE_MODEL"))},
                {"enabled_extensions", enabled}};
}

} // namespace gaggle
