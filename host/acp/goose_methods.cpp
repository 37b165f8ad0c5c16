#include "acp/goose_methods.hpp"

#include "acp/model_option.hpp"
#include "acp/params.hpp"
#include "agent/agent_manager.hpp"
#include "agent/extension_service.hpp"
#include "agent/provider_catalog.hpp"
#include "agent/session_extensions.hpp"
#include "agent/turn_context.hpp"
#include "api/fields.hpp"
#include "app/session_provider.hpp"
#include "common/error.hpp"
#include "config/client_config_access.hpp"
#include "config/config_key.hpp"
#include "config/extensions_config.hpp"
#include "mcp/extension_config.hpp"
#include "store/session_json.hpp"
#include "store/timestamps.hpp"

#include <functional>
#include <map>

namespace gaggle::acp {
namespace {

using Method = std::function<Json(AppContext&, const std::string& owner, const Json& params)>;

// {session}: goose's Session document, with its conversation when includeMessages is true.
Json get_session(AppContext& app, const std::string& owner, const Json& params)
{
    const std::string& id = required_string(params, "sessionId");
    if (fields::optional_bool(params, "includeMessages").value_or(false)) {
        const LoadedSession s = app.sessions.load_session(owner, id);
        return Json{{"session", session_to_json(s.info, s.conversation)}};
    }
    return Json{{"session", session_to_json(app.sessions.get_session(owner, id))}};
}

// {data}: the session with its conversation as one JSON text, what GET /sessions/{id}/export gives.
Json export_session(AppContext& app, const std::string& owner, const Json& params)
{
    const LoadedSession s = app.sessions.load_session(owner, required_string(params, "sessionId"));
    return Json{{"data", session_to_json_text(s.info, s.conversation)}};
}

// {sessionId, title, updatedAt, messageCount}: a session made from an export (POST /sessions/import).
Json import_session(AppContext& app, const std::string& owner, const Json& params)
{
    ParsedSession parsed = session_from_export_text(required_string(params, "data"), "data");
    const SessionInfo created = app.sessions.import_session(owner, parsed.info, parsed.conversation);
    return Json{{"sessionId", created.id}, {"title", created.name}, {"updatedAt", format_rfc3339_utc(created.updated_at_ms)},
                {"messageCount", created.message_count}};
}

// {configOptions}: the session's model option as it now stands, so the client's picker follows.
Json update_provider(AppContext& app, const std::string& owner, const Json& params)
{
    const std::string& id = required_string(params, "sessionId");
    ProviderChoice choice;
    choice.provider = required_string(params, "provider");
    choice.model = optional_string(params, "model");
    choice.context_limit = fields::optional_int(params, "contextLimit");
    choice.request_params = fields::optional_object(params, "requestParams");
    return Json{{"configOptions", config_options(app, choose_session_provider(app, owner, id, choice))}};
}

// {providers: [{id, label, configured}]}: every provider a plugin or a declaration gives.
Json list_providers(AppContext& app, const std::string&, const Json&)
{
    Json providers = Json::array();
    for (const auto& entry : app.providers.entries())
        providers.push_back(Json{{"id", entry.name},
                                 {"label", entry.metadata.value("display_name", entry.name)},
                                 {"configured", app.providers.is_configured(entry)}});
    return Json{{"providers", std::move(providers)}};
}

Json array_at(const Json& object, const char* key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_array() ? *it : Json::array();
}

// {providers: [ProviderDetailEntry]}: GET /config/providers in the goose SDK's camelCase shape.
Json provider_details(AppContext& app, const std::string&, const Json&)
{
    Json providers = Json::array();
    for (const auto& entry : app.providers.entries()) {
        const Json& m = entry.metadata;
        Json keys = Json::array();
        const Json config_keys = array_at(m, "config_keys");
        for (const auto& k : config_keys)
            keys.push_back(Json{{"name", k.value("name", std::string())}, {"required", k.value("required", false)},
                                {"secret", k.value("secret", false)}, {"default", k.value("default", Json())},
                                {"oauthFlow", k.value("oauth_flow", false)}});
        Json models = Json::array();
        const Json known_models = array_at(m, "known_models");
        for (const auto& km : known_models)
            models.push_back(Json{{"name", km.value("name", std::string())}, {"contextLimit", km.value("context_limit", Json())}});
        providers.push_back(Json{{"name", entry.name}, {"displayName", m.value("display_name", entry.name)},
                                 {"description", m.value("description", std::string())},
                                 {"defaultModel", m.value("default_model", std::string())},
                                 {"isConfigured", app.providers.is_configured(entry)}, {"providerType", entry.provider_type},
                                 {"configKeys", std::move(keys)}, {"setupSteps", array_at(m, "setup_steps")},
                                 {"knownModels", std::move(models)}});
    }
    return Json{{"providers", std::move(providers)}};
}

// {models}: the provider's model names, asked of the provider (as GET /config/providers/{name}/models).
Json provider_models(AppContext& app, const std::string&, const Json& params)
{
    Json models = Json::array();
    for (auto& name : app.providers.list_models(known_provider(app, required_string(params, "providerName")))) models.push_back(name);
    return Json{{"models", std::move(models)}};
}

std::string config_key(const Json& params) { return checked_config_key(required_string(params, "key")); }

// `isSecret`: older goose SDKs address secrets through _goose/config/* with it, newer ones
// through _goose/secret/*, so it is optional (false).
bool is_secret(const Json& params) { return fields::optional_bool(params, "isSecret").value_or(false); }

// {value}: a config value (null when unset); for a secret, whether it is set. A secret's value
// never leaves the host.
Json read_config(AppContext& app, const std::string&, const Json& params)
{
    return Json{{"value", client_config_value(app.config, config_key(params), is_secret(params))}};
}

Json upsert_config(AppContext& app, const std::string&, const Json& params)
{
    const std::string key = config_key(params);
    const bool secret = is_secret(params);
    auto value = params.find("value");
    if (value == params.end()) throw invalid_params("`value` is required");
    set_client_config_value(app.config, key, *value, secret);
    return Json::object();
}

Json remove_config(AppContext& app, const std::string&, const Json& params)
{
    remove_client_config_value(app.config, config_key(params), is_secret(params));
    return Json::object();
}

// {exists}: whether the secret is set; its value never leaves the host.
Json check_secret(AppContext& app, const std::string&, const Json& params)
{
    return Json{{"exists", client_config_value(app.config, config_key(params), true)}};
}

Json upsert_secret(AppContext& app, const std::string&, const Json& params)
{
    const std::string key = config_key(params);
    auto value = params.find("value");
    if (value == params.end() || value->is_null()) throw invalid_params("`value` is required");
    set_client_config_value(app.config, key, *value, true);
    return Json::object();
}

Json remove_secret(AppContext& app, const std::string&, const Json& params)
{
    remove_client_config_value(app.config, config_key(params), true);
    return Json::object();
}

// {extensions, warnings}: config.yaml's extensions, as GET /config/extensions.
Json configured_extensions(AppContext& app, const std::string&, const Json&) { return ExtensionsConfig::entries(app.config); }

// {extensions}: the session's own extension list, as GET /sessions/{id}/extensions.
Json session_extension_list(AppContext& app, const std::string& owner, const Json& params)
{
    const SessionInfo s = app.sessions.get_session(owner, required_string(params, "sessionId"));
    return Json{{"extensions", session_extensions(s, app.config)}};
}

ExtensionService extension_service(AppContext& app)
{
    return ExtensionService(app.agents, app.sessions, app.agent_services.permissions);
}

// Starts an extension in the session's agent and records it, as POST /agent/add_extension; an
// extension GOOSE_ALLOWLIST refuses is -32602 with the reason.
Json add_extension(AppContext& app, const std::string& owner, const Json& params)
{
    const std::string& id = required_string(params, "sessionId");
    auto config = params.find("config");
    if (config == params.end() || config->is_null()) throw invalid_params("`config` is required");
    const mcp::ExtensionSpec spec = mcp::parse_extension_config(*config, "config");
    ExtensionService extensions = extension_service(app);
    if (auto refused = extensions.refusal(spec)) throw invalid_params(*refused);
    extensions.add(owner, id, spec);
    return Json::object();
}

Json remove_extension(AppContext& app, const std::string& owner, const Json& params)
{
    extension_service(app).remove(owner, required_string(params, "sessionId"), required_string(params, "name"));
    return Json::object();
}

Json update_working_dir(AppContext& app, const std::string& owner, const Json& params)
{
    app.agents.update_working_dir(owner, required_string(params, "sessionId"), required_string(params, "workingDir"));
    return Json::object();
}

// {tools}: the session's tools with their permission, as GET /agent/tools.
Json session_tools(AppContext& app, const std::string& owner, const Json& params)
{
    return Json{{"tools", extension_service(app).tools(owner, required_string(params, "sessionId"), optional_string(params, "extensionName"))}};
}

// {content, structuredContent?, isError, _meta?}: one tool of the session called directly, as
// POST /agent/call_tool does (no turn, no approval: the client asked for it by name).
Json call_tool(AppContext& app, const std::string& owner, const Json& params)
{
    const std::string& id = required_string(params, "sessionId");
    const std::string& name = required_string(params, "name");
    auto arguments = params.find("arguments");
    const Json args = arguments == params.end() || arguments->is_null() ? Json::object() : *arguments;
    if (!args.is_object()) throw invalid_params("`arguments` must be an object");
    const Json r = extension_service(app).call_tool(owner, id, name, args);
    Json out{{"content", r["content"]}, {"isError", r["is_error"]}};
    if (!r["structured_content"].is_null()) out["structuredContent"] = r["structured_content"];
    if (!r["_meta"].is_null()) out["_meta"] = r["_meta"];
    return out;
}

// {result}: the server's ReadResourceResult for one resource of a session's extension.
Json read_resource(AppContext& app, const std::string& owner, const Json& params)
{
    return Json{{"result", extension_service(app).read_resource_result(owner, required_string(params, "sessionId"),
                                                                       required_string(params, "extensionName"),
                                                                       required_string(params, "uri"))}};
}

const std::map<std::string, Method, std::less<>>& methods()
{
    static const std::map<std::string, Method, std::less<>> table{
        {"session/get", get_session},
        {"_goose/session/export", export_session},
        {"_goose/session/import", import_session},
        {"_goose/session/provider/update", update_provider},
        {"_goose/providers/list", list_providers},
        {"_goose/providers/details", provider_details},
        {"_goose/providers/models", provider_models},
        {"_goose/config/read", read_config},
        {"_goose/config/upsert", upsert_config},
        {"_goose/config/remove", remove_config},
        {"_goose/secret/check", check_secret},
        {"_goose/secret/upsert", upsert_secret},
        {"_goose/secret/remove", remove_secret},
        {"_goose/config/extensions", configured_extensions},
        {"_goose/session/extensions", session_extension_list},
        {"_goose/extensions/add", add_extension},
        {"_goose/extensions/remove", remove_extension},
        {"_goose/working_dir/update", update_working_dir},
        {"_goose/tools", session_tools},
        {"_goose/resource/read", read_resource},
        {"_goose/tool/call", call_tool},
    };
    return table;
}

} // namespace

std::optional<Json> call_goose_method(AppContext& app, const std::string& owner, const std::string& method, const Json& params)
{
    auto it = methods().find(method);
    if (it == methods().end()) return std::nullopt;
    if (params.is_null()) return it->second(app, owner, Json::object()); // a method with no params may omit them
    if (!params.is_object()) throw invalid_params("`params` must be an object");
    return it->second(app, owner, params);
}

} // namespace gaggle::acp
