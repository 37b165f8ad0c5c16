// Choosing and checking providers: POST /config/check_provider, /config/set_provider,
// /config/detect-provider, /config/canonical-model-info; custom (declarative) providers:
// POST /config/custom-providers, GET|PUT|DELETE /config/custom-providers/{id}; sign-in and its
// cleanup: POST /config/providers/{name}/oauth and /cleanup; the catalog of services to add:
// GET /config/provider-catalog[/{id}].
// Checking a provider really builds its request and asks the upstream for its model list.
#include "agent/provider_catalog.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "config/canonical_models.hpp"
#include "config/provider_templates.hpp"

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
    // A provider made from a catalog template knows its models' context limits; others get 128k.
    const auto catalog_id = fields::optional_string(body, "catalog_provider_id");
    const std::optional<Json> from_catalog = catalog_id ? provider_template(*catalog_id) : std::nullopt;
    auto context_limit_of = [&](const Json& model) {
        if (from_catalog)
            for (const auto& t : (*from_catalog)["models"])
                if (t["id"] == model) return t["context_limit"];
        return Json(128000);
    };
    Json model_list = Json::array();
    for (const auto& m : *models) {
        if (!m.is_string() || m.get<std::string>().empty()) throw unprocessable("field `models` must be a list of model names");
        model_list.push_back(Json{{"name", m}, {"context_limit", context_limit_of(m)}});
    }
    const bool requires_auth = fields::optional_bool(body, "requires_auth").value_or(true);
    Json decl{{"name", id},          {"engine", engine},          {"display_name", display_name},
              {"description", "Custom " + display_name + " provider"},        {"api_key_env", requires_auth ? api_key_name(id) : ""},
              {"base_url", api_url}, {"models", model_list},      {"requires_auth", requires_auth}};
    if (auto headers = fields::optional_object(body, "headers")) decl["headers"] = *headers;
    if (auto streaming = fields::optional_bool(body, "supports_streaming")) decl["supports_streaming"] = *streaming;
    if (catalog_id) decl["catalog_provider_id"] = *catalog_id;
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

    // No provider Gaggle ships signs in with OAuth or a device flow (each takes an API key or
    // none), so there is never a flow to run: the answer says which keys to set instead.
    router.add("POST", "/config/providers/{name}/oauth", [&app](Request& req, Response&) {
        const ProviderEntry* entry = app.providers.find(req.param("name"));
        if (!entry) throw not_found("Unknown provider '" + req.param("name") + "'");
        std::string keys;
        for (const auto& k : entry->metadata.value("config_keys", Json::array()))
            if (k.value("required", false)) keys += (keys.empty() ? "" : ", ") + k.value("name", std::string());
        throw invalid_argument("Provider " + entry->name + " has no OAuth sign-in; configure it with " +
                               (keys.empty() ? std::string("its settings") : keys) + " through /config/upsert");
    });

    // Upstream drops a provider's cached OAuth tokens here. Gaggle keeps no tokens or other
    // per-provider cache (every turn reads the configured credentials afresh), so a known
    // provider has nothing to clean and the answer says so.
    router.add("POST", "/config/providers/{name}/cleanup", [&app](Request& req, Response& res) {
        const ProviderEntry* entry = app.providers.find(req.param("name"));
        if (!entry) throw not_found("Unknown provider '" + req.param("name") + "'");
        res.json("Nothing cached for provider " + entry->name);
    });

    router.add("GET", "/config/provider-catalog", [](Request& req, Response& res) {
        const std::string format = req.query("format").value_or("openai");
        if (!known_provider_format(format))
            throw invalid_argument("query `format` must be openai, anthropic or ollama; got '" + format + "'");
        res.json(provider_catalog(format));
    });

    router.add("GET", "/config/provider-catalog/{id}", [](Request& req, Response& res) {
        auto found = provider_template(req.param("id"));
        if (!found) throw not_found("No provider '" + req.param("id") + "' in the catalog");
        res.json(*found);
    });

    router.add("DELETE", "/config/custom-providers/{id}", [&app](Request& req, Response& res) {
        const std::string id = custom_provider(app, req.param("id")).name;
        app.providers.remove_declarative(id);
        app.config.remove_secret(api_key_name(id));
        res.json("Removed custom provider " + id);
    });
}

} // namespace gaggle
