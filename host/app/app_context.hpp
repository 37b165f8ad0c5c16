#pragma once
// What route handlers and services share for the life of the server. Owned by the Application;
// route groups receive a reference. New services (the session store, the agent manager, the MCP
// client) are added here as they land.
#include "config/config.hpp"
#include "config/server_settings.hpp"
#include "plugin/plugin_registry.hpp"
#include "store/kv_store.hpp"
#include "store/session_store.hpp"

#include <chrono>

namespace gaggle {

class Router;
class FeatureHost;
class AgentManager;
class ProviderCatalog;
class TurnService;
struct AgentServices;

struct AppContext {
    Config& config;
    const ServerSettings& settings;
    PluginRegistry& plugins;
    const Router& router;
    SessionStore& sessions;
    KvStore& kv;
    AgentManager& agents;
    ProviderCatalog& providers;
    AgentServices& agent_services;
    TurnService& turns;
    const FeatureHost& features; // the started feature plugins, for the host's own calls to them
    std::chrono::steady_clock::time_point started;
};

} // namespace gaggle
