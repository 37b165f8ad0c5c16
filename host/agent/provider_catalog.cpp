#include "agent/provider_catalog.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"
#include "config/atomic_file.hpp"
#include "plugin/call_secret.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

namespace gaggle {
namespace {

// A provider plugin built for ABI 1.0 was promised connection.api_key inside the request; later
// targets get only the secret's name (sdk/README.md, "Secrets").
bool targets_1_0(const ProviderEntry& entry)
{
    return entry.plugin && entry.plugin->target_abi().minor == 0;
}

Json parse_str(gaggle_str s)
{
    if (!s.data || !s.size) return Json::array();
    try {
        return parse_untrusted_json(std::string_view(s.data, s.size), "the plugin's description");
    } catch (const std::exception&) {
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

ProviderCatalog::ProviderCatalog(const PluginRegistry& plugins, const Config& config) : plugins_(plugins), config_(config)
{
    add_plugin_providers(plugins);
    add_declarative_providers();
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
            if (find_locked(m["name"].get<std::string>())) {
                spdlog::warn("provider {} from plugin {} ignored: the name is taken", m["name"].get<std::string>(), plugin->id());
                continue;
            }
            entries_.push_back({m["name"].get<std::string>(), "Builtin", normalise_metadata(m), plugin, table, std::nullopt, false});
        }
    }
}

std::filesystem::path ProviderCatalog::custom_dir() const { return config_.paths().config_dir / "custom_providers"; }

std::variant<ProviderEntry, std::string> ProviderCatalog::declarative_entry(const Json& decl) const
{
    // Every field's type is checked here: one bad file costs only itself.
    if (!decl.is_object()) return std::string("the file must hold a JSON object");
    auto text = [&](const char* key, const std::string& fallback) -> std::optional<std::string> {
        if (!decl.contains(key) || decl[key].is_null()) return fallback;
        if (!decl[key].is_string()) return std::nullopt;
        return decl[key].get<std::string>();
    };
    for (const char* key : {"name", "engine", "display_name", "description", "api_key_env", "base_url", "base_path"})
        if (!text(key, "")) return std::string("field `") + key + "` must be a string";
    const std::string name = *text("name", "");
    if (name.empty()) return std::string("field `name` is missing or empty");
    for (unsigned char c : name)
        if (!std::isalnum(c) && c != '_' && c != '-') return std::string("field `name` may hold only letters, digits, _ and -");
    const std::string engine = *text("engine", "openai");
    if (decl.contains("headers") && !decl["headers"].is_null()) {
        if (!decl["headers"].is_object()) return std::string("field `headers` must be an object of strings");
        for (const auto& [k, v] : decl["headers"].items())
            if (!v.is_string()) return "header `" + k + "` must be a string";
    }
    if (decl.contains("requires_auth") && !decl["requires_auth"].is_null() && !decl["requires_auth"].is_boolean())
        return std::string("field `requires_auth` must be a boolean");
    if (decl.contains("models") && !decl["models"].is_null() && !decl["models"].is_array())
        return std::string("field `models` must be a list");
    const LoadedPlugin* plugin = plugins_.find(engine);
    auto* table = plugin ? plugin->interface_as<gaggle_provider_v1>(GAGGLE_PROVIDER_V1) : nullptr;
    if (!table) return "engine '" + engine + "' has no provider plugin loaded";
    Json models = Json::array();
    if (decl.contains("models") && decl["models"].is_array())
        for (Json m : decl["models"]) {
            if (m.is_string()) m = Json{{"name", m}};
            if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) return std::string("each model needs a string `name`");
            const Json limit = m.contains("context_limit") && !m["context_limit"].is_null() ? m["context_limit"] : Json(128000);
            if (!limit.is_number_integer() || limit.get<std::int64_t>() <= 0)
                return std::string("`context_limit` must be a positive integer");
            models.push_back(Json{{"name", m["name"]}, {"context_limit", limit}});
        }
    Json keys = Json::array();
    const std::string key_name = *text("api_key_env", "");
    const bool requires_auth = !decl.contains("requires_auth") || decl["requires_auth"].is_null() || decl["requires_auth"].get<bool>();
    if (!key_name.empty())
        keys.push_back(Json{{"name", key_name}, {"required", requires_auth}, {"secret", true}, {"oauth_flow", false}});
    Json meta{{"name", name},
              {"display_name", *text("display_name", name)},
              {"description", *text("description", "Custom " + engine + "-compatible provider")},
              {"default_model", models.empty() ? "" : models[0]["name"].get<std::string>()},
              {"known_models", models},
              {"model_doc_link", ""},
              {"config_keys", keys}};
    return ProviderEntry{name, "Declarative", meta, plugin, table, decl, false};
}

void ProviderCatalog::add_declarative_providers()
{
    const auto dir = custom_dir();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        Json decl;
        try {
            std::ifstream in(file, std::ios::binary);
            decl = parse_untrusted_json(std::string(std::istreambuf_iterator<char>(in), {}), "the file");
        } catch (const std::exception& e) {
            spdlog::warn("custom provider {} refused: not JSON ({})", file.string(), e.what());
            continue;
        }
        auto made = declarative_entry(decl);
        if (auto* problem = std::get_if<std::string>(&made)) {
            spdlog::warn("custom provider {} refused: {}", file.string(), *problem);
            continue;
        }
        auto& entry = std::get<ProviderEntry>(made);
        if (find_locked(entry.name)) {
            spdlog::warn("custom provider {} refused: the name {} is taken", file.string(), entry.name);
            continue;
        }
        entries_.push_back(std::move(entry));
    }
}

void ProviderCatalog::put_declarative(const Json& declaration)
{
    auto made = declarative_entry(declaration);
    if (auto* problem = std::get_if<std::string>(&made)) throw invalid_argument(*problem);
    auto& entry = std::get<ProviderEntry>(made);
    std::unique_lock lock(mutex_);
    if (const ProviderEntry* existing = find_locked(entry.name); existing && existing->provider_type != "Declarative")
        throw conflict("provider " + entry.name + " is built in and cannot be replaced");
    write_file_atomic(custom_dir() / (entry.name + ".json"), declaration.dump(2) + "\n");
    for (auto& e : entries_)
        if (e.name == entry.name) e.removed = true;
    entries_.push_back(std::move(entry));
}

void ProviderCatalog::remove_declarative(const std::string& name)
{
    std::unique_lock lock(mutex_);
    const ProviderEntry* existing = find_locked(name);
    if (!existing || existing->provider_type != "Declarative") throw not_found("No custom provider named " + name);
    std::error_code ec;
    std::filesystem::remove(custom_dir() / (name + ".json"), ec);
    if (ec) throw internal_error("cannot remove the file of custom provider " + name + ": " + ec.message());
    for (auto& e : entries_)
        if (e.name == name) e.removed = true;
}

std::vector<ProviderEntry> ProviderCatalog::entries() const
{
    std::shared_lock lock(mutex_);
    std::vector<ProviderEntry> out;
    for (const auto& e : entries_)
        if (!e.removed) out.push_back(e);
    return out;
}

const ProviderEntry* ProviderCatalog::find_locked(const std::string& name) const noexcept
{
    for (auto& e : entries_)
        if (!e.removed && e.name == name) return &e;
    return nullptr;
}

const ProviderEntry* ProviderCatalog::find(const std::string& name) const noexcept
{
    std::shared_lock lock(mutex_);
    return find_locked(name);
}

std::vector<std::string> ProviderCatalog::missing_config(const ProviderEntry& entry) const
{
    std::vector<std::string> missing;
    for (const auto& key : entry.metadata["config_keys"]) {
        if (!key.value("required", false)) continue;
        const std::string name = key.value("name", std::string());
        const bool present = key.value("secret", false) ? config_.get_secret(name).has_value() : config_.get(name).has_value();
        if (!present && !key.contains("default")) missing.push_back(name);
    }
    return missing;
}

Json ProviderCatalog::details() const
{
    Json out = Json::array();
    for (const auto& e : entries())
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
    if (!key_name.empty()) {
        // ABI 1.1: the key stays out of the JSON (a plugin may log requests); the plugin reads the
        // named secret through gaggle.host.config/1. A plugin targeting 1.0 gets the 1.0 shape.
        if (!targets_1_0(entry)) c["api_key_secret"] = key_name;
        else if (auto key = config_.get_secret(key_name)) c["api_key"] = *key;
    }
    return c;
}

std::string ProviderCatalog::request_text(const ProviderEntry& entry, Json request) const
{
    request["schema"] = "gaggle.chat/1";
    request["provider"] = entry.name;
    if (Json c = connection_for(entry); !c.is_null()) request["connection"] = c;
    return request.dump();
}

ProviderOutcome ProviderCatalog::stream(const ProviderEntry& entry, Json request,
                                        const std::function<void(const Json&)>& on_event, const CancelToken& cancel) const
{
    return stream_text(entry, request_text(entry, std::move(request)), on_event, cancel);
}

ProviderOutcome ProviderCatalog::stream(const ProviderEntry& entry, Json request, std::string_view messages_json,
                                        const std::function<void(const Json&)>& on_event, const CancelToken& cancel) const
{
    request.erase("messages");
    std::string text = request_text(entry, std::move(request));  // "{...}": never empty, it has "schema"
    text.pop_back();
    text.reserve(text.size() + messages_json.size() + 14);
    text.append(",\"messages\":").append(messages_json).push_back('}');
    return stream_text(entry, text, on_event, cancel);
}

ProviderOutcome ProviderCatalog::stream_text(const ProviderEntry& entry, const std::string& text,
                                             const std::function<void(const Json&)>& on_event, const CancelToken& cancel) const
{
    struct Ctx {
        const std::function<void(const Json&)>* on_event;
    } ctx{&on_event};
    gaggle_provider_sink sink{sizeof(gaggle_provider_sink), &ctx, [](void* c, gaggle_str e) {
                                  auto* self = static_cast<Ctx*>(c);
                                  try {
                                      (*self->on_event)(parse_untrusted_json(std::string_view(e.data, e.size), "provider event"));
                                  } catch (const std::exception& ex) {
                                      spdlog::warn("provider event dropped: {}", ex.what());
                                  }
                              }};
    gaggle_error err{};
    err.struct_size = sizeof err;
    const gaggle_status st = entry.table->stream(entry.plugin->handle(), {text.data(), text.size()}, &sink, cancel.view(), &err);
    return ProviderOutcome{st, st == GAGGLE_OK ? std::string() : std::string(err.message)};
}

std::vector<std::string> ProviderCatalog::list_models(const ProviderEntry& entry, const std::optional<std::string>& api_key) const
{
    Json request{{"provider", entry.name}};
    if (Json c = connection_for(entry); !c.is_null()) request["connection"] = c;
    // A key offered for one call (detect-provider) is held for this call on this thread only.
    std::optional<ScopedCallSecret> offered;
    if (api_key && !targets_1_0(entry)) {
        offered.emplace(call_api_key_secret, *api_key);
        request["connection"]["api_key_secret"] = call_api_key_secret;
        if (request["connection"].contains("api_key")) request["connection"].erase("api_key");
    } else if (api_key) {
        request["connection"]["api_key"] = *api_key;
    }
    const std::string text = request.dump();
    gaggle_buffer out{};
    gaggle_error err{};
    err.struct_size = sizeof err;
    const gaggle_status st = entry.table->list_models(entry.plugin->handle(), {text.data(), text.size()}, &out, &err);
    if (st != GAGGLE_OK) {
        const std::string message = provider_error_class(st) + ": " + err.message;
        switch (st) {
        case GAGGLE_ERR_RATE_LIMITED: throw Error(ErrorKind::rate_limited, message);
        case GAGGLE_ERR_AUTHENTICATION:
        case GAGGLE_ERR_INVALID_ARGUMENT:
        case GAGGLE_ERR_UNSUPPORTED: throw invalid_argument(message);
        case GAGGLE_ERR_INTERNAL: throw internal_error(message); // the plugin's bug, not the upstream's
        case GAGGLE_ERR_TIMEOUT: throw Error(ErrorKind::gateway_timeout, message);
        default: throw Error(ErrorKind::bad_gateway, message); // the provider failed, not this server
        }
    }
    std::vector<std::string> names;
    const gaggle_host* host = entry.plugin->host();
    try {
        Json models = parse_untrusted_json(out.data ? std::string_view(out.data, out.size) : std::string_view("[]"), "model list");
        for (auto& m : models)
            if (m.is_string()) names.push_back(m.get<std::string>());
            else if (m.is_object() && m.contains("name")) names.push_back(m["name"].get<std::string>());
    } catch (const std::exception&) {
        host->free(host, out.data);
        throw Error(ErrorKind::bad_gateway, "provider " + entry.name + " returned a malformed model list");
    }
    host->free(host, out.data);
    return names;
}

} // namespace gaggle
