#include "api/app_routes.hpp"

#include "agent/agent_manager.hpp"
#include "api/fields.hpp"
#include "apps/app_cache.hpp"
#include "apps/goose_app.hpp"
#include "apps/session_apps.hpp"
#include "common/error.hpp"

namespace gaggle {

void register_app_routes(Router& router, AppContext& app)
{
    // With a session: the apps its extensions offer now (started first, as /agent/resume does),
    // remembered in the cache; without one: the cache, so the desktop lists apps offline.
    router.add("GET", "/agent/list_apps", [&app](Request& req, Response& res) {
        const AppCache cache(app.config.paths().config_dir, req.user_id());
        Json apps = Json::array();
        if (auto session_id = req.query("session_id"); session_id && !session_id->empty()) {
            const SessionInfo session = app.sessions.get_session(req.user_id(), *session_id);
            app.agents.open(req.user_id(), session);
            for (auto& a : session_apps(*app.agents.get_or_create(req.user_id(), session.id))) {
                cache.store(a);
                apps.push_back(std::move(a));
            }
        } else {
            for (auto& a : cache.list()) apps.push_back(std::move(a));
        }
        res.json(Json{{"apps", std::move(apps)}});
    }, RouteOptions{.auth = true});

    router.add("GET", "/agent/export_app/{name}", [&app](Request& req, Response& res) {
        const std::string& name = req.param("name");
        const auto found = AppCache(app.config.paths().config_dir, req.user_id()).find_by_name(name);
        if (!found) throw not_found("App '" + name + "' not found");
        res.text(app_to_html(*found));
    }, RouteOptions{.auth = true});

    router.add("POST", "/agent/import_app", [&app](Request& req, Response& res) {
        Json imported = app_from_html(fields::required_string(fields::object(req.json()), "html"));
        imported["mcpServers"] = Json::array({"apps"});
        AppCache(app.config.paths().config_dir, req.user_id()).store(imported);
        const std::string name = imported["name"].get<std::string>();
        res.json(Json{{"name", name}, {"message", "Imported app '" + name + "'"}}, 201);
    }, RouteOptions{.auth = true, .json_body = true, .max_body = 16 * 1024 * 1024});
}

} // namespace gaggle
