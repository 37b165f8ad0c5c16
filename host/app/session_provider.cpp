#include "app/session_provider.hpp"

#include "agent/model_config.hpp"
#include "agent/provider_catalog.hpp"
#include "common/error.hpp"

namespace gaggle {

const ProviderEntry& known_provider(AppContext& app, const std::string& name)
{
    const ProviderEntry* entry = app.providers.find(name);
    if (!entry) throw invalid_argument("Unknown provider '" + name + "'");
    return *entry;
}

SessionInfo choose_session_provider(AppContext& app, const std::string& owner, const std::string& session_id, const ProviderChoice& choice)
{
    const ProviderEntry& entry = known_provider(app, choice.provider);
    app.sessions.get_session(owner, session_id);
    std::string model = choice.model.value_or("");
    if (model.empty()) model = app.config.get_string_or("GOOSE_MODEL", "");
    if (model.empty()) model = entry.metadata.value("default_model", std::string());
    if (model.empty()) throw invalid_argument("No model given and provider '" + entry.name + "' has no default model");
    if (choice.context_limit && *choice.context_limit < 0) throw unprocessable("field `context_limit` must not be negative");
    Json model_config = session_model_config(model, choice.context_limit);
    if (choice.request_params) model_config["request_params"] = *choice.request_params;
    SessionPatch patch;
    patch.provider_name = std::optional<std::string>(entry.name);
    patch.model_config = std::optional<Json>(std::move(model_config));
    return app.sessions.update_session(owner, session_id, patch);
}

} // namespace gaggle
