// Choosing and checking providers: POST /config/check_provider, /config/set_provider,
// /config/detect-provider, /config/canonical-model-info; custom (declarative) providers:
// POST /config/custom-providers, GET|PUT|DELETE /config/custom-providers/{id}.
// Checking a provider really builds its request and asks the upstream for its model list.
#include "agent/provider_catalog.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "config/canonical_models.hpp"

#include <cctype>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

const ProviderEntry& provider_named(AppContext& app, const std::string& name)
{
    const ProviderEntry* entry = app.providers.find(name);
    if (!entry) throw invalid_argument("Unknown provider '" + name + "'");
    return *entry;
}

// Asks the provider for its models with the configured credentials; any failure is the
// caller's to fix (400 with the provider's own words), as upstream answers these two routes.
void probe(AppContext& app, const ProviderEntry& entry)
{
    try {
        app.providers.list_models(entry);
    } catch (const Error& e) {
        throw invalid_argument(e.what());
    }
}

// custom_<display name in snake case>, as upstream names custom providers.
std::string custom_id(const std::string& display_name)
{
    std::string id = "custom_";
    bool underscore = false;
    for (unsigned char c : display_name) {
        if (std::isalnum(c)) {
            if (underscore && id.size() > 7) id += '_';
            id += static_cast<char>(std::tolower(c));
            underscore = false;
        } else {
            underscore = true;
        }
    }
    if (id.size() == 7) throw invalid_argument("field `display_name` must contain a letter or digit");
    return id;
}

std::string api_key_name(const std::string& id)
{
    std::string key;
    for (unsigned char c : id) key += static_cast<char>(std::toupper(c));
    return key + "_API_KEY";
}

// UpdateCustomProviderRequest -> the declaration stored in custom_providers/<id>.json.
Json declaration_from(const Json& body, const std::string& id)
{
    const std::string engine = fields::required_string(body, "engine");
    const std::string display_name = fields::required_string(body, "display_name");
    const std::string api_url = fields::required_string(body, "api_url");
    if (api_url.rfind("http://", 0) != 0 && api_url.rfind("https://", 0) != 0)
        throw invalid_argument("field `api_url` must start with http:// or https://");
    auto models = fields::optional_array(body, "models");
    if (!models) throw unprocessable("missing field `models`");
    Json model_list = Json::array();
    for (const auto& m : *models) {
        if (!m.is_string() || m.get<std::string>().empty()) throw unprocessable("field `models` must be a list of model names");
        model_list.push_back(Json{{"name", m}, {"context_limit", 128000}});
    }
    const bool requires_auth = fields::optional_bool(body, "requires_auth").value_or(true);
    Json decl{{"name", id},          {"engine", engine},          {"display_name", display_name},
              {"description", "Custom " + display_name + " provider"},        {"api_key_env", requires_auth ? api_key_name(id) : ""},
              {"base_url", api_url}, {"models", model_list},      {"requires_auth", requires_auth}};
    if (auto headers = fields::optional_object(body, "headers")) decl["headers"] = *headers;
    if (auto streaming = fields::optional_bool(body, "supports_streaming")) decl["supports_streaming"] = *streaming;
    if (auto catalog = fields::optional_string(body, "catalog_provider_id")) decl["catalog_provider_id"] = *catalog;
    return decl;
}

void store_custom_provider(AppContext& app, const Json& body, const std::string& id)
{
    const Json decl = declaration_from(body, id);
    const std::string api_key = fields::required_string(body, "api_key");
    app.providers.put_declarative(decl);
    if (decl["requires_auth"] == true && !api_key.empty()) app.config.set_secret(api_key_name(id), api_key);
}

const ProviderEntry& custom_provider(AppContext& app, const std::string& id)
{
    const ProviderEntry* entry = app.providers.find(id);
    if (!entry || entry->provider_type != "Declarative") throw not_found("No custom provider named " + id);
    return *entry;
}

} // namespace

void register_provider_config_routes(Router& router, AppContext& app)
{
    router.add(
        "POST", "/config/check_provider",
        [&app](Request& req, Response& res) {
            probe(app, provider_named(app, fields::required_string(fields::object(req.json()), "provider")));
            res.empty(200);
        },
        json_body);

    router.add(
        "POST", "/config/set_provider",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const ProviderEntry& entry = provider_named(app, fields::required_string(body, "provider"));
            const std::string model = fields::required_string(body, "model");
            if (model.empty()) throw invalid_argument("field `model` must not be empty");
            probe(app, entry);
            app.config.update([&](Json& values) {
                values["GOOSE_PROVIDER"] = entry.name;
                values["GOOSE_MODEL"] = model;
            });
            res.empty(200);
        },
        json_body);

    router.add(
        "POST", "/config/detect-provider",
        [&app](Request& req, Response& res) {
            const std::string key = fields::required_string(fields::object(req.json()), "api_key");
            if (key.empty()) throw invalid_argument("field `api_key` must not be empty");
            // Built-in providers that take an API key, each asked to list models with this key.
            for (const auto& entry : app.providers.entries()) {
                if (entry.provider_type != "Builtin") continue;
                bool takes_key = false;
                for (const auto& k : entry.metadata["config_keys"])
                    takes_key = takes_key || (k.value("secret", false) && k.value("name", std::string()).find("API_KEY") != std::string::npos);
                if (!takes_key) continue;
                try {
                    const auto models = app.providers.list_models(*app.providers.find(entry.name), key);
                    return res.json(Json{{"provider_name", entry.name}, {"models", models}});
                } catch (const Error&) {
                }
            }
            throw not_found("No provider accepted this API key");
        },
        json_body);

    router.add(
        "POST", "/config/canonical-model-info",
        [](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string provider = fields::required_string(body, "provider");
            const std::string model = fields::required_string(body, "model");
            auto info = canonical_model_info(provider, model);
            res.json(Json{{"model_info", info ? *info : Json(nullptr)}, {"source", info ? "canonical" : "none"}});
        },
        json_body);

    router.add(
        "POST", "/config/custom-providers",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string id = custom_id(fields::required_string(body, "display_name"));
            if (app.providers.find(id)) throw conflict("A provider named " + id + " already exists");
            store_custom_provider(app, body, id);
            res.json(Json{{"provider_name", id}});
        },
        json_body);

    router.add("GET", "/config/custom-providers/{id}", [&app](Request& req, Response& res) {
        const ProviderEntry& entry = custom_provider(app, req.param("id"));
        res.json(Json{{"config", *entry.declaration}, {"is_editable", true}});
    });

    router.add(
        "PUT", "/config/custom-providers/{id}",
        [&app](Request& req, Response& res) {
            const std::string id = custom_provider(app, req.param("id")).name;
            store_custom_provider(app, fields::object(req.json()), id);
            res.json("Updated custom provider " + id);
        },
        json_body);

    router.add("DELETE", "/config/custom-providers/{id}", [&app](Request& req, Response& res) {
        const std::string id = custom_provider(app, req.param("id")).name;
        app.providers.remove_declarative(id);
        app.config.remove_secret(api_key_name(id));
        res.json("Removed custom provider " + id);
    });
}

} // namespace gaggle
