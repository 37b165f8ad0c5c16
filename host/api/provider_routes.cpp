// Providers: GET /config/providers, GET /config/providers/{name}/models,
// POST /agent/update_provider, POST /agent/restart.
#include "agent/agent_manager.hpp"
#include "agent/provider_catalog.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "app/session_provider.hpp"
#include "common/error.hpp"

namespace gaggle {

void register_provider_routes(Router& router, AppContext& app)
{
    router.add("GET", "/config/providers", [&app](Request&, Response& res) { res.json(app.providers.details()); });

    router.add("GET", "/config/providers/{name}/models", [&app](Request& req, Response& res) {
        // Not gated on is_configured: a local OpenAI-compatible server needs no key, and a
        // provider that does refuses with its own authentication error (400).
        res.json(app.providers.list_models(known_provider(app, req.param("name"))));
    });

    router.add(
        "POST", "/agent/update_provider",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            ProviderChoice choice;
            const std::string session_id = fields::required_string(body, "session_id");
            choice.provider = fields::required_string(body, "provider");
            choice.model = fields::optional_string(body, "model");
            choice.context_limit = fields::optional_int(body, "context_limit");
            choice.request_params = fields::optional_object(body, "request_params");
            choose_session_provider(app, req.user_id(), session_id, choice);
            res.empty(200);
        },
        RouteOptions{.auth = true, .json_body = true});

    router.add(
        "POST", "/agent/restart",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const auto results = app.agents.restart(req.user_id(), fields::required_string(body, "session_id"));
            res.json(Json{{"extension_results", extension_results_json(results)}});
        },
        RouteOptions{.auth = true, .json_body = true});
}

} // namespace gaggle
