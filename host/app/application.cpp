#include "app/application.hpp"

#include "acp/http_routes.hpp"
#include "agent/agent_manager.hpp"
#include "agent/extension_launcher.hpp"
#include "agent/mcp_sampling.hpp"
#include "agent/confirmations.hpp"
#include "agent/permissions.hpp"
#include "agent/model_config.hpp"
#include "agent/provider_catalog.hpp"
#include "agent/turn_service.hpp"
#include "api/routes.hpp"
#include "app/logging.hpp"
#include "app/plugin_agent_bridge.hpp"
#include "config/connection_limits.hpp"
#include "config/plugin_settings.hpp"
#include "config/secret_store.hpp"
#include "config/positive_setting.hpp"
#include "config/store_settings.hpp"

#include "agent/agent_loop.hpp"
#include "common/error.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

Application::Application(EnvLookup env, const CommandLineOverrides& flags, AppRole role)
    : config_(Config::load(Paths::resolve(env), env, flags.config_file, open_secret_store(Paths::resolve(env), env)))
{
    setup_logging(config_.env(), config_.paths().log_dir());
    const auto report = config_.report();
    if (!report.error.empty())
        spdlog::error("{}{}: {} (running on defaults; the file was left as it is)", report.path,
                      report.line ? " line " + std::to_string(report.line) : std::string(), report.error);
    if (flags.config_file && !report.present) spdlog::warn("config file {} does not exist", *flags.config_file);

    settings_ = resolve_server_settings(config_, flags);
    for (const auto& w : settings_.warnings) spdlog::warn("{}", w);

    // One database holds sessions and the plugins' key-value data: a SQLite file by default, or
    // the PostgreSQL database GAGGLE_DATABASE_URL names (shared by several instances). A database
    // this build cannot read (a newer schema, an unreachable server) stops start-up here with
    // the store's message.
    auto stores = open_stores(resolve_store_settings(config_), {}, SessionEventBus::process_token());
    spdlog::info("session store: {}", stores.engine);
    sessions_ = std::move(stores.sessions);
    kv_ = std::move(stores.kv);
    leases_ = std::move(stores.leases);
    events_ = std::move(stores.events);
    agents_ = std::make_unique<AgentManager>(*sessions_, config_);

    const PluginSettings plugin_settings = resolve_plugin_settings(config_, executable_dir());
    plugins_ = std::make_unique<PluginRegistry>(host_services());
    plugins_->scan(plugin_settings.directories, plugin_settings.disabled, [&](const std::string& id) {
        auto it = plugin_settings.config_json.find(id);
        return it == plugin_settings.config_json.end() ? std::string("{}") : it->second;
    });

    providers_ = std::make_unique<ProviderCatalog>(*plugins_, config_);
    permissions_ = std::make_unique<PermissionStore>(config_.paths().config_dir / "permission.yaml");
    confirmations_ = std::make_unique<ConfirmationBroker>();
    elicitations_ = std::make_unique<ElicitationBroker>();
    frontend_tools_ = std::make_unique<FrontendToolBroker>();
    agent_services_ = std::make_unique<AgentServices>(
        AgentServices{*sessions_, *providers_, *permissions_, *confirmations_, *elicitations_, *frontend_tools_, config_});
    turns_ = std::make_unique<TurnService>(*agent_services_, *agents_);
    if (leases_) {
        // GAGGLE_TURN_LEASE_MS: how long a dead instance keeps its sessions' turns blocked.
        const auto ttl = std::chrono::milliseconds(positive_setting(config_, "GAGGLE_TURN_LEASE_MS", 30'000, 3'600'000));
        turns_->set_lease_keeper(std::make_shared<TurnLeaseKeeper>(*leases_, ttl));
    }
    if (events_) {
        // Clients of this instance's /sessions/{id}/events see the turns other instances run.
        turns_->set_event_log(events_);
        events_->start([this](const SharedEvent& event) { turns_->relay_in(event); });
    }
    agents_->set_turn_starter([this](const TurnRequest& request, std::function<void(const Json&)> emit) {
        return turns_->start(request, std::move(emit));
    });
    agents_->set_provider_binder([this](const std::string& owner, const SessionInfo& session) { bind_provider(owner, session); });
    auto launcher = std::make_shared<ExtensionLauncher>(mcp::PluginTransports(*plugins_), config_, current_executable());
    launcher->set_sampler([this](const ExtensionSession& session, const Json& params) {
        return sample_for_session(*agent_services_, session.owner, session.session_id, params);
    });
    agents_->set_extension_launcher(std::move(launcher));

    features_ = std::make_unique<FeatureHost>(*plugins_);
    context_ = std::make_unique<AppContext>(AppContext{config_, settings_, *plugins_, router_, *sessions_, *kv_, *agents_,
                                                       *providers_, *agent_services_, *turns_, *features_,
                                                       std::chrono::steady_clock::now()});
    register_status_routes(router_, *context_);
    register_openapi_routes(router_, *context_);
    register_agent_routes(router_, *context_);
    register_session_routes(router_, *context_);
    register_reply_routes(router_, *context_);
    register_session_event_routes(router_, *context_);
    register_provider_routes(router_, *context_);
    register_seed_routes(router_, *context_);
    register_seed_extension_routes(router_, *context_);
    register_extension_routes(router_, *context_);
    register_config_extension_routes(router_, *context_);
    register_recipe_routes(router_, *context_);
    register_config_routes(router_, *context_);
    register_provider_config_routes(router_, *context_);
    register_prompt_routes(router_, *context_);
    register_telemetry_routes(router_, *context_);
    register_slash_command_routes(router_, *context_);
    auth_ = std::make_unique<Authenticator>(settings_.secret, settings_.users);
    register_sandbox_routes(router_, *auth_);
    close_acp_websockets_ = acp::register_http_routes(router_, *context_);
    if (role == AppRole::server) features_->start_all(router_);

    cors_ = std::make_unique<Cors>(settings_.cors_origins);
}

Application::~Application() { stop(); }

HostServices Application::host_services()
{
    HostServices s;
    s.config_get = [this](const std::string& key) { return config_.get_string(key); };
    s.secret_get = [this](const std::string& key) { return config_.get_secret(key); };
    s.kv_get = [this](const std::string& plugin, const std::string& key) { return kv_->get(plugin, key); };
    s.kv_put = [this](const std::string& plugin, const std::string& key, std::string_view value) {
        kv_->put(plugin, key, value);
    };
    s.kv_remove = [this](const std::string& plugin, const std::string& key) { kv_->erase(plugin, key); };
    s.kv_claim = [this](const std::string& plugin, const std::string& key, std::string_view value) {
        return kv_->insert_if_absent(plugin, key, value);
    };
    s.kv_list = [this](const std::string& plugin, const std::string& prefix) { return kv_->list_keys(plugin, prefix); };
    s.data_dir = config_.paths().data_dir.string();
    add_agent_services(s, *sessions_, config_, turns_);
    return s;
}

void Application::start()
{
    ServerOptions options;
    options.host = settings_.host;
    options.port = settings_.port;
    const ConnectionLimits limits = resolve_connection_limits(config_);
    options.max_connections = limits.http_threads;
    options.max_connections_per_client = limits.per_client;
    options.stream_buffer_bytes = limits.stream_buffer_bytes;
    server_ = std::make_unique<HttpServer>(router_, *auth_, *cors_, options);
    server_->start();
    spdlog::info("gaggle {} listening on http://{}:{}", GAGGLE_VERSION, settings_.host, server_->port());
    if (settings_.secret_generated)
        spdlog::warn("no secret configured (GOOSE_SERVER__SECRET_KEY); generated one for this run: {}", settings_.secret);
}

// A session opened without a provider of its own gets the configured one, so the desktop shows
// which model it talks to; a session that has one keeps it.
void Application::bind_provider(const std::string& owner, const SessionInfo& session)
{
    if (session.provider_name && session.model_config) return;
    try {
        auto [entry, model] = resolve_provider(*agent_services_, session);
        SessionPatch patch;
        patch.provider_name = std::optional<std::string>(entry->name);
        if (!session.model_config)
            patch.model_config = std::optional<Json>(session_model_config(model, providers_->context_limit(*entry, model)));
        sessions_->update_session(owner, session.id, patch);
    } catch (const Error& e) {
        spdlog::debug("session {} has no usable provider yet: {}", session.id, e.what());
    }
}

void Application::stop()
{
    if (turns_) turns_->shutdown();
    if (events_) events_->stop();  // after the turns, so their last events are written
    if (server_) {
        server_->stop();
        server_.reset();
        spdlog::info("stopped");
    }
    if (close_acp_websockets_) close_acp_websockets_();
    if (features_) features_->stop_all();
    if (agents_) agents_->stop_all(); // before the transport plugins go: their servers end here
}

} // namespace gaggle
