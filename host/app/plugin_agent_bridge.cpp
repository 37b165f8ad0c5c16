#include "app/plugin_agent_bridge.hpp"

#include "agent/agent_manager.hpp"
#include "agent/messages.hpp"
#include "agent/session_extensions.hpp"
#include "common/error.hpp"
#include "http/auth.hpp"

#include <filesystem>

namespace gaggle {

void add_agent_services(HostServices& services, SessionStore& sessions, const Config& config,
                        const std::unique_ptr<TurnService>& turns)
{
    services.agent_default_owner = default_user_id;
    services.agent_create_session = [&sessions, &config](const PluginSessionSpec& spec) {
        NewSession s;
        s.owner = spec.owner;
        std::error_code ec;
        s.working_dir = existing_directory(spec.working_dir.empty() ? std::filesystem::current_path(ec).string()
                                                                    : spec.working_dir,
                                           "working_dir");
        s.name = spec.name;
        s.session_type = "scheduled";
        if (!spec.schedule_id.empty()) s.schedule_id = spec.schedule_id;
        Json extensions = configured_extensions(config);
        if (!spec.recipe_json.empty()) {
            s.recipe = Json::parse(spec.recipe_json);
            if (s.recipe->contains("extensions") && (*s.recipe)["extensions"].is_array()) extensions = (*s.recipe)["extensions"];
        }
        s.extension_data = extension_data_with(Json::object(), extensions);
        if (auto provider = config.get_string("GOOSE_PROVIDER")) s.provider_name = *provider;
        return sessions.create_session(s).id;
    };
    services.agent_start_turn = [&turns](const PluginTurnSpec& spec, std::function<void(const std::string&)> on_event,
                                         std::function<void()> on_done) -> std::function<void()> {
        if (!turns) throw Error(ErrorKind::unavailable, "the agent is not running yet");
        TurnRequest request;
        request.owner = spec.owner;
        request.session_id = spec.session_id;
        request.user_message = make_message("user", Json::array({text_content(spec.text)}));
        request.deny_on_approval = spec.deny_on_approval;
        auto turn = turns->start(request, [on_event = std::move(on_event)](const Json& event) { on_event(event.dump()); },
                                 std::move(on_done));
        return [turn] { turn->cancel().cancel(); };
    };
}

} // namespace gaggle
