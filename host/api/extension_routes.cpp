// Extensions of a running session: /agent/add_extension, /agent/remove_extension, /agent/tools,
// /agent/call_tool, /agent/read_resource.
#include "agent/extension_service.hpp"
#include "agent/turn_context.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

const Json& config_field(const Json& body)
{
    auto it = body.find("config");
    if (it == body.end() || it->is_null()) throw unprocessable("field `config` is required");
    return *it;
}

} // namespace

void register_extension_routes(Router& router, AppContext& app)
{
    auto service = std::make_shared<ExtensionService>(app.agents, app.sessions, app.agent_services.permissions);

    router.add(
        "POST", "/agent/add_extension",
        [service](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string session_id = fields::required_string(body, "session_id");
            const mcp::ExtensionSpec spec = mcp::parse_extension_config(config_field(body), "config");
            if (auto refused = service->refusal(spec)) return res.json(Json{{"message", *refused}}, 403);
            service->add(req.user_id(), session_id, spec);
            res.text("Extension " + spec.name + " added");
        },
        json_body);

    router.add(
        "POST", "/agent/remove_extension",
        [service](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string name = fields::required_string(body, "name");
            service->remove(req.user_id(), fields::required_string(body, "session_id"), name);
            res.text("Extension " + name + " removed");
        },
        json_body);

    router.add("GET", "/agent/tools", [service](Request& req, Response& res) {
        const auto session_id = req.query("session_id");
        if (!session_id || session_id->empty()) throw invalid_argument("query parameter `session_id` is required");
        res.json(service->tools(req.user_id(), *session_id, req.query("extension_name")));
    });

    router.add(
        "POST", "/agent/call_tool",
        [service](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string session_id = fields::required_string(body, "session_id");
            const std::string name = fields::required_string(body, "name");
            auto args = body.find("arguments");
            if (args == body.end()) throw unprocessable("field `arguments` is required");
            if (!args->is_object() && !args->is_null()) throw unprocessable("field `arguments` must be an object");
            res.json(service->call_tool(req.user_id(), session_id, name, *args));
        },
        json_body);

    router.add(
        "POST", "/agent/read_resource",
        [service](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string session_id = fields::required_string(body, "session_id");
            const std::string extension = fields::required_string(body, "extension_name");
            res.json(service->read_resource(req.user_id(), session_id, extension, fields::required_string(body, "uri")));
        },
        json_body);
}

} // namespace gaggle
