#pragma once
// What route handlers and services share for the life of the server. Owned by the Application;
// route groups receive a reference. New services (the session store, the agent manager, the MCP
// client) are added here as they land.
#include "config/config.hpp"
#include "config/server_settings.hpp"
#include "plugin/plugin_registry.hpp"

#include <chrono>

namespace gaggle {

class Router;

struct AppContext {
    Config& config;
    const ServerSettings& settings;
    PluginRegistry& plugins;
    const Router& router;
    std::chrono::steady_clock::time_point started;
};

} // namespace gaggle
