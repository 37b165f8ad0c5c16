#pragma once
// The server, assembled: config, logging, plugins, routes, and the HTTP listener. Construction does
// everything that can fail for configuration reasons (bad port, unreadable paths) before start()
// binds the socket; members are declared in the order they must be built and torn down.
#include "agent/confirmations.hpp"
#include "app/app_context.hpp"
#include "config/config.hpp"
#include "config/server_settings.hpp"
#include "http/auth.hpp"
#include "http/cors.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "plugin/feature_host.hpp"
#include "plugin/plugin_registry.hpp"
#include "store/kv_store.hpp"
#include "store/shared_event_log.hpp"
#include "store/turn_leases.hpp"
#include "store/session_store.hpp"

#include <functional>
#include <memory>

namespace gaggle {

class AgentManager;
class ProviderCatalog;
class PermissionStore;
class TurnService;
struct AgentServices;

// What the process is for: `server` (gaggle agent) serves HTTP and runs the feature plugins, the
// scheduler's timers among them; `agent_core` (gaggle acp, an editor's stdio agent) needs only the
// agent core and must not fire schedules beside the server.
enum class AppRole { server, agent_core };

class Application {
public:
    Application(EnvLookup env, const CommandLineOverrides& flags, AppRole role = AppRole::server);
    ~Application();

    void start();
    void stop();
    uint16_t port() const noexcept { return server_ ? server_->port() : 0; }
    const ServerSettings& settings() const noexcept { return settings_; }
    AppContext& context() noexcept { return *context_; }

private:
    HostServices host_services();
    void bind_provider(const std::string& owner, const SessionInfo& session);

    Config config_;
    ServerSettings settings_;
    std::unique_ptr<SessionStore> sessions_;
    std::unique_ptr<KvStore> kv_;
    std::unique_ptr<TurnLeases> leases_;  // null on SQLite; outlives turns_, whose keeper uses it
    std::shared_ptr<SharedEventLog> events_;  // null on SQLite; stopped after turns_, whose events it writes
    std::unique_ptr<AgentManager> agents_;
    std::unique_ptr<PluginRegistry> plugins_;
    std::unique_ptr<ProviderCatalog> providers_;
    std::unique_ptr<PermissionStore> permissions_;
    std::unique_ptr<ConfirmationBroker> confirmations_;
    std::unique_ptr<ElicitationBroker> elicitations_;
    std::unique_ptr<FrontendToolBroker> frontend_tools_;
    std::unique_ptr<AgentServices> agent_services_;
    std::unique_ptr<TurnService> turns_;
    Router router_;
    std::unique_ptr<AppContext> context_;
    std::unique_ptr<FeatureHost> features_;
    std::unique_ptr<Authenticator> auth_;
    std::unique_ptr<Cors> cors_;
    std::unique_ptr<HttpServer> server_;
    std::function<void()> close_acp_websockets_;
};

} // namespace gaggle
