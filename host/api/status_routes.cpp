// GET /status, GET /system_info, GET /features and GET /diagnostics/{session_id}.
#include "api/routes.hpp"
#include "app/diagnostics_archive.hpp"
#include "app/system_info.hpp"
#include "http/auth.hpp"
#include "plugin/gaggle_abi.hpp"

namespace gaggle {

void register_status_routes(Router& router, AppContext& app)
{
    // The desktop polls this until it answers; it needs no secret.
    router.add("GET", "/status", [](Request&, Response& res) { res.text("ok"); }, RouteOptions{.auth = false});
    router.add("GET", "/system_info", [&app](Request&, Response& res) { res.json(system_info(app)); });
    // What this build can do, for the desktop to show or hide screens; as upstream, it needs no
    // secret. Gaggle has neither local inference nor code mode; each feature plugin that loaded
    // (dictation, scheduler, a third party's) is listed as on.
    router.add(
        "GET", "/features",
        [&app](Request&, Response& res) {
            Json features{{"local-inference", false}, {"code-mode", false}};
            for (const LoadedPlugin* plugin : app.plugins.with_interface(GAGGLE_FEATURE_V1)) features[plugin->id()] = true;
            res.json(Json{{"features", features}});
        },
        RouteOptions{.auth = false});
    router.add("GET", "/diagnostics/{session_id}", [&app](Request& req, Response& res) {
        const std::string id = req.param("session_id");
        const std::string zip = diagnostics_zip(app, req.user_id(), id, req.user_id() == default_user_id);
        res.header("Content-Disposition", "attachment; filename=\"diagnostics_" + id + ".zip\"");
        res.text(zip, 200, "application/zip");
    });
}

} // namespace gaggle
