#include "acp/model_option.hpp"

#include "acp/params.hpp"
#include "agent/agent_loop.hpp"
#include "agent/model_config.hpp"
#include "agent/provider_catalog.hpp"

#include <spdlog/spdlog.h>

namespace gaggle::acp {
namespace {

// A value names a provider and one of its models: "<provider>/<model>". Provider names have no
// "/", models may ("meta-llama/llama-3"), so the first "/" splits them.
std::string value_of(const std::string& provider, const std::string& model) { return provider + "/" + model; }

struct Choices {
    Json groups = Json::array();
    std::string current; // empty when the session has no provider yet
};

Choices choices(AppContext& app, const SessionInfo& session)
{
    Choices c;
    std::string current_provider, current_model;
    try {
        auto [entry, model] = resolve_provider(app.agent_services, session);
        current_provider = entry->name;
        current_model = model;
        c.current = value_of(entry->name, model);
    } catch (const std::exception& e) {
        spdlog::debug("acp: session {} has no model yet: {}", session.id, e.what());
    }
    for (const auto& entry : app.providers.entries()) {
        if (entry.removed || !(entry.name == current_provider || app.providers.is_configured(entry))) continue;
        Json options = Json::array();
        bool has_current = false;
        for (const auto& m : entry.metadata.value("known_models", Json::array())) {
            const std::string name = m.is_object() ? m.value("name", std::string()) : std::string();
            if (name.empty()) continue;
            has_current = has_current || (entry.name == current_provider && name == current_model);
            options.push_back(Json{{"value", value_of(entry.name, name)}, {"name", name}});
        }
        // The session's model is offered even when the provider does not list it.
        if (entry.name == current_provider && !has_current)
            options.insert(options.begin(), Json{{"value", c.current}, {"name", current_model}});
        if (options.empty()) continue;
        const std::string display = entry.metadata.value("display_name", entry.name);
        c.groups.push_back(Json{{"group", entry.name}, {"name", display}, {"options", std::move(options)}});
    }
    return c;
}

bool offered(const Json& groups, const std::string& value)
{
    for (const auto& g : groups)
        for (const auto& o : g["options"])
            if (o["value"] == value) return true;
    return false;
}

} // namespace

Json config_options(AppContext& app, const SessionInfo& session)
{
    Choices c = choices(app, session);
    if (c.current.empty() || c.groups.empty()) return Json::array();
    return Json::array({Json{{"id", model_option_id},
                             {"name", "Model"},
                             {"description", "The provider and model this session's turns use"},
                             {"category", "model"},
                             {"type", "select"},
                             {"currentValue", c.current},
                             {"options", std::move(c.groups)}}});
}

SessionPatch config_option_patch(AppContext& app, const SessionInfo& session, const Json& params)
{
    const std::string& id = required_string(params, "configId");
    if (id != model_option_id) throw invalid_params("unknown configId \"" + id + "\" (this agent offers \"model\")");
    const std::string& v = required_string(params, "value");
    if (!offered(choices(app, session).groups, v)) throw invalid_params("`value` \"" + v + "\" is not one of the model option's values");
    const auto slash = v.find('/');
    SessionPatch patch;
    patch.provider_name = std::optional<std::string>(v.substr(0, slash));
    patch.model_config = std::optional<Json>(session_model_config(v.substr(slash + 1)));
    return patch;
}

} // namespace gaggle::acp
