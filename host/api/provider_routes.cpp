// Providers: GET /config/providers, GET /config/providers/{name}/models,
// POST /agent/update_provider, POST /agent/restart.
#include "agent/agent_manager.hpp"
#include "agent/model_config.hpp"
#include "agent/provider_catalog.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"

namespace gaggle {
namespace {

const ProviderEntry& known_provider(AppContext& app, const std::string& name)
{
    const ProviderEntry* entry = app.providers.find(name);
    if (!entry) throw invalid_argument("Unknown provider '" + name + "'");
    return *entry;
}

} // namespace

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
            const std::string session_id = fields::required_string(body, "session_id");
            const ProviderEntry& entry = known_provider(app, fields::required_string(body, "provider"));
            app.sessions.get_session(req.user_id(), session_id);
            std::string model = fields::optional_string(body, "model").value_or("");
            if (model.empty()) model = app.config.get_string_or("GOOSE_MODEL", "");
            if (model.empty()) model = entry.metadata.value("default_model", std::string());
            if (model.empty()) throw invalid_argument("No model given and provider '" + entry.name + "' has no default model");
            const auto limit = fields::optional_int(body, "context_limit");
            if (limit && *limit < 0) throw unprocessable("field `context_limit` must not be negative");
            Json model_config = session_model_config(model, limit);
            if (auto params = fields::optional_object(body, "request_params")) model_config["request_params"] = *params;
            SessionPatch patch;
            patch.provider_name = std::optional<std::string>(entry.name);
            patch.model_config = std::optional<Json>(model_config);
            app.sessions.update_session(req.user_id(), session_id, patch);
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
