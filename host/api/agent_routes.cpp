// The agent lifecycle: /agent/start, /agent/resume, /agent/stop, /agent/update_working_dir, and
// the session's own settings: /agent/update_session.
#include "agent/agent_manager.hpp"
#include "agent/permissions.hpp"
#include "agent/session_mode.hpp"
#include "api/app_routes.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "recipe/deeplink.hpp"
#include "recipe/recipe_document.hpp"
#include "recipe/recipe_service.hpp"
#include "store/session_json.hpp"

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

} // namespace

void register_agent_routes(Router& router, AppContext& app)
{
    register_app_routes(router, app);
    router.add(
        "POST", "/agent/start",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            StartSessionRequest start;
            start.working_dir = fields::required_string(body, "working_dir");
            start.extension_overrides = fields::optional_array(body, "extension_overrides");
            // Precedence as upstream: deeplink > recipe_id > recipe.
            if (auto link = fields::optional_string(body, "recipe_deeplink")) {
                start.recipe = validate_recipe(decode_recipe_deeplink(*link));
            } else if (auto id = fields::optional_string(body, "recipe_id")) {
                start.recipe = RecipeService(app.config, app.kv).by_id(*id).recipe;
            } else if (auto recipe = fields::optional_object(body, "recipe")) {
                start.recipe = validate_recipe(*recipe);
            }
            res.json(session_to_json(app.agents.start(req.user_id(), start)));
        },
        json_body);

    router.add(
        "POST", "/agent/resume",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string id = fields::required_string(body, "session_id");
            const bool load = fields::required_bool(body, "load_model_and_extensions");
            ResumeResult r = app.agents.resume(req.user_id(), id, load);
            std::string out = "{\"session\":" + session_to_json_text(r.session.info, r.session.conversation);
            out += ",\"extension_results\":";
            out += r.extension_results ? extension_results_json(*r.extension_results).dump() : "null";
            res.json_text(out + "}");
        },
        json_body);

    router.add(
        "POST", "/agent/stop",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            app.agents.stop(req.user_id(), fields::required_string(body, "session_id"));
            res.empty(200);
        },
        json_body);

    router.add(
        "POST", "/agent/update_working_dir",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            app.agents.update_working_dir(req.user_id(), fields::required_string(body, "session_id"),
                                          fields::required_string(body, "working_dir"));
            res.empty(200);
        },
        json_body);

    // 1.34's per-session settings: `goose_mode` becomes the session's own approval mode (the one
    // ACP's session/set_mode writes); the next turn runs in it. Absent fields change nothing.
    router.add(
        "POST", "/agent/update_session",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string session_id = fields::required_string(body, "session_id");
            SessionPatch patch;
            if (auto mode = fields::optional_string(body, "goose_mode")) {
                if (!normalise_mode(*mode)) throw invalid_argument("Invalid mode: " + *mode + " (auto, approve, smart_approve or chat)");
                patch.extension_data_merge = session_mode_patch(*mode);
            }
            app.sessions.update_session(req.user_id(), session_id, patch); // not_found for another user's
            res.empty(200);
        },
        json_body);
}

} // namespace gaggle
