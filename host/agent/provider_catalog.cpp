#include "agent/provider_catalog.hpp"

#include "common/error.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

namespace gaggle {
namespace {

Json parse_str(gaggle_str s)
{
    if (!s.data || !s.size) return Json::array();
    try {
        return Json::parse(std::string(s.data, s.size));
    } catch (const Json::parse_error&) {
        return Json::array();
    }
}

// Fills ProviderMetadata fields a plugin left out, so the desktop always gets the full shape.
Json normalise_metadata(Json m)
{
    m["display_name"] = m.value("display_name", m.value("name", std::string()));
    for (const char* key : {"description", "default_model", "model_doc_link"})
        if (!m.contains(key) || !m[key].is_string()) m[key] = "";
    if (!m.contains("known_models") || !m["known_models"].is_array()) m["known_models"] = Json::array();
    if (!m.contains("config_keys") || !m["config_keys"].is_array()) m["config_keys"] = Json::array();
    for (auto& k : m["config_keys"]) {
        if (!k.contains("oauth_flow")) k["oauth_flow"] = false;
        if (!k.contains("required")) k["required"] = false;
        if (!k.contains("secret")) k["secret"] = false;
    }
    return m;
}

} // namespace

std::string provider_error_class(gaggle_status status)
{
    switch (status) {
    case GAGGLE_ERR_AUTHENTICATION: return "Authentication error";
    case GAGGLE_ERR_CONTEXT_LENGTH: return "Context length exceeded";
    case GAGGLE_ERR_RATE_LIMITED: return "Rate limit exceeded";
    case GAGGLE_ERR_SERVER: return "Server error";
    case GAGGLE_ERR_NETWORK: return "Network error";
    case GAGGLE_ERR_TIMEOUT: return "Timeout";
    case GAGGLE_ERR_CANCELLED: return "Cancelled";
    case GAGGLE_ERR_INVALID_ARGUMENT: return "Request failed";
    default: return "Provider error";
    }
}

ProviderCatalog::ProviderCatalog(const PluginRegistry& plugins, const Config& config) : config_(config)
{
    add_plugin_providers(plugins);
    add_declarative_providers(plugins);
}

void ProviderCatalog::add_plugin_providers(const PluginRegistry& plugins)
{
    for (const LoadedPlugin* plugin : plugins.with_interface(GAGGLE_PROVIDER_V1)) {
        auto* table = plugin->interface_as<gaggle_provider_v1>(GAGGLE_PROVIDER_V1);
        if (!table) continue;
        Json described = parse_str(table->describe(plugin->handle()));
        if (described.is_object()) described = Json::array({described});
        for (auto& m : described) {
            if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) continue;
            if (find(m["name"].get<std::string>())) {
                spdlog::warn("provider {} from plugin {} ignored: the name is taken", m["name"].get<std::string>(), plugin->id());
                continue;
            }
            entries_.push_back({m["name"].get<std::string>(), "Builtin", normalise_metadata(m), plugin, table, std::nullopt});
        }
    }
}

void ProviderCatalog::add_declarative_providers(const PluginRegistry& plugins)
{
    const auto dir = config_.paths().config_dir / "custom_providers";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        Json decl;
        try {
            std::ifstream in(file);
            decl = Json::parse(in);
        } catch (const std::exception& e) {
            spdlog::warn("custom provider {} ignored: {}", file.string(), e.what());
            continue;
        }
        const std::string name = decl.value("name", file.stem().string());
        const std::string engine = decl.value("engine", std::string("openai"));
        const LoadedPlugin* plugin = plugins.find(engine);
        auto* table = plugin ? plugin->interface_as<gaggle_provider_v1>(GAGGLE_PROVIDER_V1) : nullptr;
        if (!table) {
            spdlog::warn("custom provider {} ignored: engine '{}' has no provider plugin loaded", name, engine);
            continue;
        }
        if (find(name)) {
            spdlog::warn("custom provider {} ignored: the name is taken", name);
            continue;
        }
        Json models = Json::array();
        if (decl.contains("models") && decl["models"].is_array())
            for (auto& m : decl["models"])
                if (m.is_object() && m.contains("name"))
                    models.push_back(Json{{"name", m["name"]}, {"context_limit", m.value("context_limit", 128000)}});
        Json keys = Json::array();
        const std::string key_name = decl.value("api_key_env", std::string());
        if (!key_name.empty()) keys.push_back(Json{{"name", key_name}, {"required", true}, {"secret", true}, {"oauth_flow", false}});
        Json meta{{"name", name},
                  {"display_name", decl.value("display_name", name)},
                  {"description", decl.value("description", std::string("Custom ") + engine + "-compatible provider")},
                  {"default_model", models.empty() ? "" : models[0]["name"].get<std::string>()},
                  {"known_models", models},
                  {"model_doc_link", ""},
                  {"config_keys", keys}};
        entries_.push_back({name, "Declarative", meta, plugin, table, decl});
    }
}

const ProviderEntry* ProviderCatalog::find(const std::string& name) const noexcept
{
    for (auto& e : entries_)
        if (e.name == name) return &e;
    return nullptr;
}

bool ProviderCatalog::is_configured(const ProviderEntry& entry) const
{
    for (const auto& key : entry.metadata["config_keys"]) {
        if (!key.value("required", false)) continue;
        const std::string name = key.value("name", std::string());
        const bool present = key.value("secret", false) ? config_.get_secret(name).has_value() : config_.get(name).has_value();
        if (!present && !key.contains("default")) return false;
    }
    return true;
}

Json ProviderCatalog::details() const
{
    Json out = Json::array();
    for (const auto& e : entries_)
        out.push_back(Json{{"name", e.name}, {"metadata", e.metadata}, {"is_configured", is_configured(e)}, {"provider_type", e.provider_type}});
    return out;
}

std::int64_t ProviderCatalog::context_limit(const ProviderEntry& entry, const std::string& model) const
{
    if (auto limit = config_.get("GOOSE_CONTEXT_LIMIT"); limit && limit->is_number_integer()) return limit->get<std::int64_t>();
    for (const auto& m : entry.metadata["known_models"])
        if (m.value("name", std::string()) == model && m.contains("context_limit") && m["context_limit"].is_number_integer())
            return m["context_limit"].get<std::int64_t>();
    return 128000;
}

Json ProviderCatalog::connection_for(const ProviderEntry& entry) const
{
    if (!entry.declaration) return nullptr;
    const Json& d = *entry.declaration;
    Json c{{"engine", d.value("engine", std::string("openai"))}};
    if (d.contains("base_url")) c["base_url"] = d["base_url"];
    if (d.contains("base_path")) c["base_path"] = d["base_path"];
    if (d.contains("headers") && d["headers"].is_object()) c["headers"] = d["headers"];
    const std::string key_name = d.value("api_key_env", std::string());
    if (!key_name.empty())
        if (auto key = config_.get_secret(key_name)) c["api_key"] = *key;
    return c;
}

ProviderOutcome ProviderCatalog::stream(const ProviderEntry& entry, Json request,
                                        const std::function<void(const Json&)>& on_event, const CancelToken& cancel) const
{
    request["schema"] = "gaggle.chat/1";
    request["provider"] = entry.name;
    if (Json c = connection_for(entry); !c.is_null()) request["connection"] = c;
    const std::string text = request.dump();
    struct Ctx {
        const std::function<void(const Json&)>* on_event;
    } ctx{&on_event};
    gaggle_provider_sink sink{sizeof(gaggle_provider_sink), &ctx, [](void* c, gaggle_str e) {
                                  auto* self = static_cast<Ctx*>(c);
                                  try {
                                      (*self->on_event)(Json::parse(std::string(e.data, e.size)));
                                  } catch (const std::exception& ex) {
                                      spdlog::warn("provider event dropped: {}", ex.what());
                                  }
                              }};
    gaggle_error err{};
    err.struct_size = sizeof err;
    const gaggle_status st = entry.table->stream(entry.plugin->handle(), {text.data(), text.size()}, &sink, cancel.view(), &err);
    return ProviderOutcome{st, st == GAGGLE_OK ? std::string() : std::string(err.message)};
}

std::vector<std::string> ProviderCatalog::list_models(const ProviderEntry& entry) const
{
    Json request{{"provider", entry.name}};
    if (Json c = connection_for(entry); !c.is_null()) request["connection"] = c;
    const std::string text = request.dump();
    gaggle_buffer out{};
    gaggle_error err{};
    err.struct_size = sizeof err;
    const gaggle_status st = entry.table->list_models(entry.plugin->handle(), {text.data(), text.size()}, &out, &err);
    if (st != GAGGLE_OK) {
        const std::string message = provider_error_class(st) + ": " + err.message;
        if (st == GAGGLE_ERR_RATE_LIMITED) throw Error(ErrorKind::rate_limited, message);
        if (st == GAGGLE_ERR_AUTHENTICATION || st == GAGGLE_ERR_INVALID_ARGUMENT) throw invalid_argument(message);
        throw Error(ErrorKind::internal, message);
    }
    std::vector<std::string> names;
    const gaggle_host* host = entry.plugin->host();
    try {
        Json models = Json::parse(std::string(out.data ? out.data : "[]", out.data ? out.size : 2));
        for (auto& m : models)
            if (m.is_string()) names.push_back(m.get<std::string>());
            else if (m.is_object() && m.contains("name")) names.push_back(m["name"].get<std::string>());
    } catch (const std::exception&) {
        host->free(host, out.data);
        throw internal_error("provider " + entry.name + " returned a malformed model list");
    }
    host->free(host, out.data);
    return names;
}

} // namespace gaggle
