#include "acp/dictation_methods.hpp"

#include "acp/jsonrpc.hpp"
#include "acp/params.hpp"
#include "config/client_config_access.hpp"
#include "plugin/feature_host.hpp"

#include <functional>
#include <map>

namespace gaggle::acp {
namespace {

// The feature's answer to one request, or the RpcError it maps to. 404 is an unknown model.
Json ask(AppContext& app, const std::string& owner, const std::string& method, const std::string& path, const std::string& body,
         bool missing_is_null = false)
{
    const auto reply = app.features.call(method, path, body, owner);
    if (!reply)
        throw RpcError(rpc_code::internal_error, "dictation is not available here: no dictation plugin runs in this process (`gaggle acp` "
                                                 "starts none; /acp on `gaggle agent` has it when the plugin is loaded)");
    const Json parsed = Json::parse(reply->body, nullptr, false);
    if (reply->status >= 200 && reply->status < 300) return parsed.is_discarded() ? Json::object() : parsed;
    if (reply->status == 404 && missing_is_null) return nullptr;
    std::string message = parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()
                              ? parsed["message"].get<std::string>()
                              : "dictation failed (HTTP " + std::to_string(reply->status) + ")";
    if (reply->status == 404) throw RpcError(rpc_code::resource_not_found, message);
    if (reply->status >= 400 && reply->status < 500) throw invalid_params(message);
    throw RpcError(rpc_code::internal_error, message);
}

// A model id as a path segment: the ids the plugin lists are plain names, so anything else is
// refused rather than escaped.
std::string model_path(const Json& params)
{
    const std::string& id = required_string(params, "modelId");
    if (id.empty() || id.size() > 128 || id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos ||
        id == "." || id == "..")
        throw invalid_params("`modelId` must be a model id from _goose/dictation/models/list");
    return "/dictation/models/" + id;
}

// goose's camelCase names for the REST status fields.
Json provider_status(const Json& rest)
{
    Json out{{"configured", rest.value("configured", false)},
             {"description", rest.value("description", std::string())},
             {"usesProviderConfig", rest.value("uses_provider_config", false)},
             {"availableModels", Json::array()}};
    for (const auto& [from, to] : {std::pair{"host", "host"}, {"settings_path", "settingsPath"}, {"config_key", "configKey"}})
        if (rest.contains(from) && rest[from].is_string()) out[to] = rest[from];
    return out;
}

Json progress(const Json& rest)
{
    if (!rest.is_object()) return nullptr;
    return Json{{"bytesDownloaded", rest.value("bytes_downloaded", std::uint64_t{0})},
                {"totalBytes", rest.value("total_bytes", std::uint64_t{0})},
                {"progressPercent", rest.value("progress_percent", 0.0)},
                {"status", rest.value("status", std::string())},
                {"error", rest.contains("error") && rest["error"].is_string() ? rest["error"] : Json()}};
}

// The REST status of one dictation provider, or -32602 naming the ones there are.
Json provider_entry(AppContext& app, const std::string& owner, const std::string& provider)
{
    const Json all = ask(app, owner, "GET", "/dictation/config", "");
    if (all.is_object() && all.contains(provider) && all[provider].is_object()) return all[provider];
    std::string names;
    if (all.is_object())
        for (const auto& [name, status] : all.items()) names += (names.empty() ? "" : ", ") + name;
    throw invalid_params("`provider` must be a dictation provider (" + names + ")");
}

using Method = std::function<Json(AppContext&, const std::string& owner, const Json& params)>;

const std::map<std::string, Method>& methods()
{
    static const std::map<std::string, Method> table{
        {"_goose/dictation/transcribe",
         [](AppContext& app, const std::string& owner, const Json& p) {
             const Json body{{"audio", required_string(p, "audio")},
                             {"mime_type", required_string(p, "mimeType")},
                             {"provider", required_string(p, "provider")}};
             const Json r = ask(app, owner, "POST", "/dictation/transcribe", body.dump());
             return Json{{"text", r.is_object() ? r.value("text", std::string()) : std::string()}};
         }},
        {"_goose/dictation/config",
         [](AppContext& app, const std::string& owner, const Json&) {
             Json providers = Json::object();
             const Json r = ask(app, owner, "GET", "/dictation/config", "");
             if (r.is_object())
                 for (const auto& [name, status] : r.items())
                     if (status.is_object()) providers[name] = provider_status(status);
             return Json{{"providers", std::move(providers)}};
         }},
        {"_goose/dictation/models/list",
         [](AppContext& app, const std::string& owner, const Json&) {
             Json models = Json::array();
             const Json r = ask(app, owner, "GET", "/dictation/models", "");
             if (r.is_array())
                 for (const auto& m : r) {
                     if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) continue;
                     const std::string id = m["id"];
                     const Json active = ask(app, owner, "GET", "/dictation/models/" + id + "/download", "", true);
                     models.push_back({{"id", id},
                                       {"label", id},
                                       {"description", m.value("description", std::string())},
                                       {"sizeMb", m.value("size_mb", 0)},
                                       {"downloaded", m.value("downloaded", false)},
                                       {"downloadInProgress", active.is_object() && active.value("status", "") == "downloading"}});
                 }
             return Json{{"models", std::move(models)}};
         }},
        {"_goose/dictation/models/download",
         [](AppContext& app, const std::string& owner, const Json& p) {
             ask(app, owner, "POST", model_path(p) + "/download", "");
             return Json::object();
         }},
        {"_goose/dictation/models/download/progress",
         [](AppContext& app, const std::string& owner, const Json& p) {
             return Json{{"progress", progress(ask(app, owner, "GET", model_path(p) + "/download", "", true))}};
         }},
        {"_goose/dictation/models/cancel",
         [](AppContext& app, const std::string& owner, const Json& p) {
             ask(app, owner, "DELETE", model_path(p) + "/download", "");
             return Json::object();
         }},
        {"_goose/dictation/secret/save",
         [](AppContext& app, const std::string& owner, const Json& p) {
             const std::string& provider = required_string(p, "provider");
             const std::string& value = required_string(p, "value");
             const Json status = provider_entry(app, owner, provider);
             // openai's and groq's keys are their chat providers' own; the local engine has none.
             if (status.value("uses_provider_config", false))
                 throw invalid_params("dictation provider " + provider + " uses the " + provider +
                                      " provider's own key: set it with the provider's settings (_goose/secret/upsert)");
             if (provider == "local" || !status.contains("config_key") || !status["config_key"].is_string())
                 throw invalid_params("dictation provider " + provider + " has no key of its own to save");
             if (value.empty()) throw invalid_params("`value` must not be empty");
             set_client_config_value(app.config, status["config_key"].get<std::string>(), value, true);
             return Json::object();
         }},
        {"_goose/dictation/model/select",
         [](AppContext& app, const std::string& owner, const Json& p) {
             const std::string& provider = required_string(p, "provider");
             model_path(p); // checks modelId
             const Json status = provider_entry(app, owner, provider);
             if (provider != "local" || !status.contains("config_key") || !status["config_key"].is_string())
                 throw invalid_params("dictation provider " + provider + " has no model to choose here");
             const std::string& id = p["modelId"].get_ref<const std::string&>();
             bool known = false;
             for (const auto& m : ask(app, owner, "GET", "/dictation/models", ""))
                 known = known || (m.is_object() && m.value("id", "") == id);
             if (!known) throw RpcError(rpc_code::resource_not_found, "No local dictation model " + id + " (see _goose/dictation/models/list)");
             set_client_config_value(app.config, status["config_key"].get<std::string>(), id, false);
             return Json::object();
         }},
        {"_goose/dictation/models/delete",
         [](AppContext& app, const std::string& owner, const Json& p) {
             ask(app, owner, "DELETE", model_path(p), "");
             return Json::object();
         }},
    };
    return table;
}

} // namespace

std::optional<Json> call_dictation_method(AppContext& app, const std::string& owner, const std::string& method, const Json& params)
{
    auto it = methods().find(method);
    if (it == methods().end()) return std::nullopt;
    if (params.is_null()) return it->second(app, owner, Json::object());
    if (!params.is_object()) throw invalid_params("`params` must be an object");
    return it->second(app, owner, params);
}

} // namespace gaggle::acp
