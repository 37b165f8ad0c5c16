#pragma once
// The in-memory agents, one per session, created lazily. Sessions live in the store whether or
// not an agent is loaded for them; an agent is the running side of a session (its provider, its
// extensions, its turn in flight), so it holds no conversation of its own.
//
// This is the seam the provider and MCP work plugs into: load_model_and_extensions() is where a
// session's provider/model and extensions are brought up. An agent owns its extensions: they
// start when the agent is created (in parallel, without blocking anyone) and stop with it.
#include "agent/extension_launcher.hpp"
#include "agent/platform/platform_extensions.hpp"
#include "agent/tool_source.hpp"
#include "config/config.hpp"
#include "store/session_store.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct ExtensionLoadResult {
    std::string name;
    bool success = false;
    std::optional<std::string> error;
};

class Agent {
public:
    // `platform` makes the in-host extensions a session's configs name (empty: none).
    Agent(std::string owner, std::string session_id, PlatformFactory platform = {});
    ~Agent(); // stops its extensions, which ends their servers
    const std::string& owner() const noexcept { return owner_; }
    const std::string& session_id() const noexcept { return session_id_; }
    // The tools this session's turns may call: platform extensions and MCP extensions.
    const ToolSet& tools() const noexcept { return tools_; }

    // Starts every extension of `configs` (ExtensionConfig[]) not running yet, each on its own
    // thread; returns at once. A config that cannot start is remembered with its reason.
    void begin_extensions(const Json& configs, const ExtensionLauncher* launcher, const ExtensionSession& session);
    // Waits until each extension of `configs` has finished starting; one result each.
    std::vector<ExtensionLoadResult> extension_results(const Json& configs);
    // Starts one extension and waits for it; throws invalid_argument when it cannot be launched.
    ExtensionLoadResult add_extension(const mcp::ExtensionSpec& spec, const ExtensionLauncher& launcher,
                                      const ExtensionSession& session);
    std::shared_ptr<McpExtension> extension(const std::string& key) const;
    std::vector<std::shared_ptr<McpExtension>> extensions() const;
    bool remove_extension(const std::string& key);
    void stop_extensions();
    // An in-host source that comes from the session itself rather than its extension list (a
    // recipe's final-output tool); kept until the agent goes.
    void add_session_source(std::shared_ptr<ToolSource> source);

private:
    std::string owner_, session_id_;
    const PlatformFactory platform_;
    ToolSet tools_;
    mutable std::mutex extensions_mutex_;
    std::map<std::string, std::shared_ptr<McpExtension>> extensions_;
    std::map<std::string, std::string> launch_failures_; // key -> why it could not start
    std::set<std::string> platform_keys_;                 // in-process and frontend extensions switched on
};

// ExtensionLoadResult[] as the API sends it: {name, success, error|null}.
Json extension_results_json(const std::vector<ExtensionLoadResult>& results);

struct StartSessionRequest {
    std::string working_dir;
    std::optional<Json> recipe;
    std::optional<Json> extension_overrides; // ExtensionConfig[]
};

struct ResumeResult {
    LoadedSession session;
    std::optional<std::vector<ExtensionLoadResult>> extension_results;
};

class AgentManager {
public:
    AgentManager(SessionStore& store, const Config& config) : store_(store), config_(config) {}
    // Provider resolution needs the catalog, which is built after the plugins load.
    void set_provider_binder(std::function<void(const std::string& owner, const SessionInfo&)> binder)
    {
        bind_provider_ = std::move(binder);
    }
    // Extensions need the transport plugins, also loaded after the manager is built.
    void set_extension_launcher(std::shared_ptr<const ExtensionLauncher> launcher) { launcher_ = std::move(launcher); }
    const ExtensionLauncher* extension_launcher() const noexcept { return launcher_.get(); }
    // The turn service comes after the manager too; summon's subagents run their turns on it.
    void set_turn_starter(TurnStarter starter) { start_turn_ = std::move(starter); }
    // Stops every agent and its extensions (server shutdown).
    void stop_all();

    // Creates a session ("New Chat") in an existing working_dir, with the recipe's extensions,
    // else the overrides, else the configured ones; its agent is created lazily later.
    SessionInfo start(const std::string& owner, const StartSessionRequest& request);
    ResumeResult resume(const std::string& owner, const std::string& session_id, bool load_model_and_extensions);
    // As resume with load_model_and_extensions, for a session the caller has just read (its
    // working_dir is where the extensions start): the conversation is not read again.
    std::vector<ExtensionLoadResult> open(const std::string& owner, const SessionInfo& session);
    // Drops the agent and creates it anew, reloading its model and extensions.
    std::vector<ExtensionLoadResult> restart(const std::string& owner, const std::string& session_id);
    // Drops the session's in-memory agent; not_found when none is loaded.
    void stop(const std::string& owner, const std::string& session_id);
    void update_working_dir(const std::string& owner, const std::string& session_id, const std::string& dir);
    // Forgets the agent of a deleted session (no error when none).
    void forget(const std::string& session_id);

    // Starts the extension in the session's agent and records it in the session's stored list.
    // Throws invalid_argument (cannot run here), unavailable (no transports), bad_gateway (it
    // failed to start; nothing is kept). The allowlist is the caller's to check first.
    void add_extension(const std::string& owner, const std::string& session_id, const mcp::ExtensionSpec& spec);
    // Stops it and drops it from the session's list; not_found when the session neither runs nor
    // lists it.
    void remove_extension(const std::string& owner, const std::string& session_id, const std::string& name);

    std::shared_ptr<Agent> get_or_create(const std::string& owner, const std::string& session_id);
    bool loaded(const std::string& session_id) const;
    std::size_t loaded_count() const;

private:
    struct Slot {
        std::shared_ptr<Agent> agent;
        std::chrono::steady_clock::time_point last_used;
    };
    // Drops agents unused for GAGGLE_AGENT_IDLE_SECONDS (default 1800) that nothing holds (a
    // running turn holds its agent), with everything they own. At most one sweep a second.
    void evict_idle_locked(std::vector<std::shared_ptr<Agent>>& evicted);

    std::vector<ExtensionLoadResult> load_model_and_extensions(Agent& agent, const SessionInfo& session);

    SessionStore& store_;
    const Config& config_;
    std::function<void(const std::string& owner, const SessionInfo&)> bind_provider_;
    std::shared_ptr<const ExtensionLauncher> launcher_;
    TurnStarter start_turn_;
    mutable std::mutex mutex_;
    std::map<std::string, Slot> agents_;
    std::chrono::steady_clock::time_point last_sweep_ = std::chrono::steady_clock::now();
};

// Throws invalid_argument unless `dir` is an existing directory; returns it absolute.
std::string existing_directory(const std::string& dir, const char* field);

} // namespace gaggle
