#include "app/application.hpp"

#include "api/routes.hpp"
#include "app/logging.hpp"
#include "config/plugin_settings.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

Application::Application(EnvLookup env, const CommandLineOverrides& flags)
    : config_(Config::load(Paths::resolve(env), env, flags.config_file))
{
    setup_logging(config_.env(), config_.paths().log_dir());
    const auto& report = config_.report();
    if (!report.error.empty())
        spdlog::error("{}{}: {} (running on defaults; the file was left as it is)", report.path,
                      report.line ? " line " + std::to_string(report.line) : std::string(), report.error);
    if (flags.config_file && !report.present) spdlog::warn("config file {} does not exist", *flags.config_file);

    settings_ = resolve_server_settings(config_, flags);
    for (const auto& w : settings_.warnings) spdlog::warn("{}", w);

    const PluginSettings plugin_settings = resolve_plugin_settings(config_, executable_dir());
    plugins_ = std::make_unique<PluginRegistry>(host_services());
    plugins_->scan(plugin_settings.directories, plugin_settings.disabled, [&](const std::string& id) {
        auto it = plugin_settings.config_json.find(id);
        return it == plugin_settings.config_json.end() ? std::string("{}") : it->second;
    });

    context_ = std::make_unique<AppContext>(
        AppContext{config_, settings_, *plugins_, router_, std::chrono::steady_clock::now()});
    register_status_routes(router_, *context_);
    register_openapi_routes(router_, *context_);
    features_ = std::make_unique<FeatureHost>(*plugins_);
    features_->start_all(router_);

    auth_ = std::make_unique<Authenticator>(settings_.secret, settings_.users);
    cors_ = std::make_unique<Cors>(settings_.cors_origins);
}

Application::~Application() { stop(); }

HostServices Application::host_services()
{
    HostServices s;
    s.config_get = [this](const std::string& key) { return config_.get_string(key); };
    s.secret_get = [this](const std::string& key) { return config_.get_secret(key); };
    return s;
}

void Application::start()
{
    ServerOptions options;
    options.host = settings_.host;
    options.port = settings_.port;
    server_ = std::make_unique<HttpServer>(router_, *auth_, *cors_, options);
    server_->start();
    spdlog::info("gaggle {} listening on http://{}:{}", GAGGLE_VERSION, settings_.host, server_->port());
    if (settings_.secret_generated)
        spdlog::warn("no secret configured (GOOSE_SERVER__SECRET_KEY); generated one for this run: {}", settings_.secret);
}

void Application::stop()
{
    if (server_) {
        server_->stop();
        server_.reset();
        spdlog::info("stopped");
    }
    if (features_) features_->stop_all();
}

} // namespace gaggle
