#pragma once
// The host's side of the services plugins reach through gaggle_host.get_service. The registry
// only sees these functions, not the config or the store themselves, so it can be tested (and
// plugins exercised) with plain lambdas. An empty function means "this host offers no such service".
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

// What a feature asks of "gaggle.host.agent/1", already checked by host/plugin/agent_service.cpp.
struct PluginSessionSpec {
    std::string owner, name, working_dir, schedule_id;
    std::string recipe_json; // "" when none; kept on the session as its recipe
};
struct PluginTurnSpec {
    std::string owner, session_id;
    std::string text;               // the user message's text
    bool deny_on_approval = true;   // tools that would need a person's approval are denied
};

struct HostServices {
    std::function<std::optional<std::string>(const std::string& key)> config_get;
    std::function<std::optional<std::string>(const std::string& key)> secret_get;
    std::function<std::optional<std::string>(const std::string& plugin_id, const std::string& key)> kv_get;
    std::function<void(const std::string& plugin_id, const std::string& key, std::string_view value)> kv_put;
    std::function<void(const std::string& plugin_id, const std::string& key)> kv_remove;
    // "gaggle.host.kv_claim/1": insert-if-absent (true when this call stored it) and key listing.
    std::function<bool(const std::string& plugin_id, const std::string& key, std::string_view value)> kv_claim;
    std::function<std::vector<std::string>(const std::string& plugin_id, const std::string& prefix)> kv_list;
    // The host's data folder; each plugin's private folder is <data_dir>/plugins/<id>. Empty: none.
    std::string data_dir;
    // Agent turns for features. agent_create_session returns the new session's id;
    // agent_start_turn streams the turn's events (JSON text) to on_event on the turn's thread,
    // calls on_done after the last one, and returns a function that cancels the turn. Both throw
    // gaggle::Error. The default user when a plugin names none is agent_default_owner.
    std::function<std::string(const PluginSessionSpec&)> agent_create_session;
    std::function<std::function<void()>(const PluginTurnSpec&, std::function<void(const std::string&)> on_event,
                                        std::function<void()> on_done)>
        agent_start_turn;
    std::string agent_default_owner;
};

} // namespace gaggle
