// Configured extensions: GET/POST /config/extensions, DELETE /config/extensions/{name}.
#include "agent/agent_manager.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "config/extensions_config.hpp"
#include "mcp/extension_config.hpp"

namespace gaggle {

void register_config_extension_routes(Router& router, AppContext& app)
{
    auto file = std::make_shared<ExtensionsConfig>(app.config);

    router.add("GET", "/config/extensions", [file](Request&, Response& res) { res.json(file->entries()); });

    router.add(
        "POST", "/config/extensions",
        [file, &app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string name = fields::required_string(body, "name");
            const bool enabled = fields::required_bool(body, "enabled");
            auto config = body.find("config");
            if (config == body.end() || config->is_null()) throw unprocessable("field `config` is required");
            Json c = *config;
            if (c.is_object() && !c.contains("name")) c["name"] = name;
            const mcp::ExtensionSpec spec = mcp::parse_extension_config(c, "config");
            if (const ExtensionLauncher* launcher = app.agents.extension_launcher())
                if (auto refused = launcher->refusal(spec)) return res.json(Json{{"message", *refused}}, 403);
            file->upsert(name, spec.config, enabled);
            res.text("ok");
        },
        RouteOptions{.auth = true, .json_body = true});

    router.add("DELETE", "/config/extensions/{name}", [file](Request& req, Response& res) {
        const std::string name = req.param("name");
        if (!file->remove(name)) throw not_found("Extension " + name + " is not configured");
        res.text("ok");
    });
}

} // namespace gaggle
