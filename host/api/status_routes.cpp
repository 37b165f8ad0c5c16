// GET /status and GET /system_info.
#include "api/routes.hpp"

#include <sys/utsname.h>

namespace gaggle {
namespace {

Json system_info(const AppContext& app)
{
    struct utsname u {};
    uname(&u);
    Json enabled = Json::array();
    if (auto extensions = app.config.get("extensions"); extensions && extensions->is_object())
        for (auto& [key, entry] : extensions->items())
            if (entry.is_object() && entry.value("enabled", false)) enabled.push_back(entry.value("name", key));
    auto or_null = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
    return Json{{"app_version", GAGGLE_VERSION},
                {"os", u.sysname},
                {"os_version", u.release},
                {"architecture", u.machine},
                {"provider", or_null(app.config.get_string("GOOSE_PROVIDER"))},
                {"model", or_null(app.config.get_string("GOOSE_MODEL"))},
                {"enabled_extensions", enabled}};
}

} // namespace

void register_status_routes(Router& router, AppContext& app)
{
    // The desktop polls this until it answers; it needs no secret.
    router.add("GET", "/status", [](Request&, Response& res) { res.text("ok"); }, RouteOptions{.auth = false});
    router.add("GET", "/system_info", [&app](Request&, Response& res) { res.json(system_info(app)); });
}

} // namespace gaggle
