// The extension side of an Agent: which MCP servers run for its session, started in parallel,
// reported as ExtensionLoadResults, stopped with the agent.
#include "agent/agent_manager.hpp"

#include "agent/frontend_tools.hpp"
#include "common/error.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {
namespace {

std::string name_of(const Json& config, size_t index)
{
    if (config.is_object() && config.contains("name") && config["name"].is_string()) return config["name"];
    return "extension " + std::to_string(index);
}

} // namespace

Agent::~Agent() { stop_extensions(); }

void Agent::begin_extensions(const Json& configs, const ExtensionLauncher* launcher, const ExtensionSession& session)
{
    if (!configs.is_array()) return;
    for (size_t i = 0; i < configs.size(); ++i) {
        std::string key = mcp::extension_key(name_of(configs[i], i));
        try {
            const mcp::ExtensionSpec spec = mcp::parse_extension_config(configs[i], "extensions[" + std::to_string(i) + "]");
            key = spec.key;
            if (spec.type == "platform") {
                auto source = platform_ ? platform_(key) : nullptr;
                if (!source) throw invalid_argument("there is no platform extension named '" + spec.name + "'");
                std::lock_guard lock(extensions_mutex_);
                if (platform_keys_.insert(key).second) tools_.add(std::move(source));
                launch_failures_.erase(key);
                continue;
            }
            if (spec.type == "frontend") {
                // The client runs these tools; adding the extension again replaces its tool list.
                auto source = std::make_shared<FrontendToolSource>(spec);
                std::lock_guard lock(extensions_mutex_);
                if (extensions_.count(key)) throw invalid_argument("an extension named '" + spec.name + "' is already running");
                if (!platform_keys_.insert(key).second) tools_.remove(key);
                tools_.add(std::move(source));
                launch_failures_.erase(key);
                continue;
            }
            {
                std::lock_guard lock(extensions_mutex_);
                if (extensions_.count(key)) continue; // adding a running extension again is a no-op
            }
            if (!launcher) throw invalid_argument("no transport plugins are loaded");
            auto extension = launcher->launch(spec, session);
            std::lock_guard lock(extensions_mutex_);
            if (!extensions_.emplace(key, extension).second) continue;
            launch_failures_.erase(key);
            tools_.add(extension);
        } catch (const std::exception& e) {
            spdlog::warn("session {}: extension {} cannot start: {}", session_id_, key, e.what());
            std::lock_guard lock(extensions_mutex_);
            launch_failures_[key] = e.what();
        }
    }
}

std::vector<ExtensionLoadResult> Agent::extension_results(const Json& configs)
{
    std::vector<ExtensionLoadResult> results;
    if (!configs.is_array()) return results;
    for (size_t i = 0; i < configs.size(); ++i) {
        const std::string name = name_of(configs[i], i);
        const std::string key = mcp::extension_key(name);
        std::shared_ptr<McpExtension> extension;
        {
            std::lock_guard lock(extensions_mutex_);
            if (auto f = launch_failures_.find(key); f != launch_failures_.end()) {
                results.push_back({name, false, f->second});
                continue;
            }
            if (auto it = extensions_.find(key); it != extensions_.end()) extension = it->second;
        }
        if (!extension) {
            // Platform and frontend extensions run no server: loaded once switched on.
            bool platform = false;
            {
                std::lock_guard lock(extensions_mutex_);
                platform = platform_keys_.count(key) > 0;
            }
            results.push_back({name, platform, platform ? std::nullopt : std::optional<std::string>("not loaded")});
            continue;
        }
        const ExtensionHealth h = extension->wait_started();
        if (h.state == ExtensionState::ready) results.push_back({name, true, std::nullopt});
        else results.push_back({name, false, h.error.empty() ? std::string(to_string(h.state)) : h.error});
    }
    return results;
}

ExtensionLoadResult Agent::add_extension(const mcp::ExtensionSpec& spec, const ExtensionLauncher& launcher,
                                         const ExtensionSession& session)
{
    Json one = Json::array({spec.config});
    begin_extensions(one, &launcher, session);
    {
        std::lock_guard lock(extensions_mutex_);
        if (auto f = launch_failures_.find(spec.key); f != launch_failures_.end()) throw invalid_argument(f->second);
    }
    return extension_results(one).front();
}

std::shared_ptr<McpExtension> Agent::extension(const std::string& key) const
{
    std::lock_guard lock(extensions_mutex_);
    auto it = extensions_.find(key);
    return it == extensions_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<McpExtension>> Agent::extensions() const
{
    std::lock_guard lock(extensions_mutex_);
    std::vector<std::shared_ptr<McpExtension>> out;
    for (auto& [k, e] : extensions_) out.push_back(e);
    return out;
}

bool Agent::remove_extension(const std::string& key)
{
    std::shared_ptr<McpExtension> extension;
    {
        std::lock_guard lock(extensions_mutex_);
        launch_failures_.erase(key);
        if (platform_keys_.erase(key)) {
            tools_.remove(key);
            return true;
        }
        auto it = extensions_.find(key);
        if (it == extensions_.end()) return false;
        extension = it->second;
        extensions_.erase(it);
    }
    tools_.remove(key);
    extension->stop();
    return true;
}

void Agent::add_session_source(std::shared_ptr<ToolSource> source)
{
    std::lock_guard lock(extensions_mutex_);
    if (platform_keys_.insert(source->extension_name()).second) tools_.add(std::move(source));
}

void Agent::stop_extensions()
{
    std::map<std::string, std::shared_ptr<McpExtension>> all;
    {
        std::lock_guard lock(extensions_mutex_);
        all.swap(extensions_);
    }
    for (auto& [key, extension] : all) {
        tools_.remove(key);
        extension->stop();
    }
}

} // namespace gaggle
