#pragma once
// Starts feature plugins and mounts the routes they serve on the host's router, behind the same
// auth, CORS and body limits as built-in routes. A feature whose start fails, or a route that
// clashes with one already served, is refused with a log line; the host keeps running.
#include "http/router.hpp"
#include "plugin/plugin_registry.hpp"

#include "plugin/gaggle_abi.hpp"

#include <string>
#include <utility>
#include <vector>

namespace gaggle {

class FeatureHost {
public:
    explicit FeatureHost(const PluginRegistry& registry) : registry_(registry) {}
    ~FeatureHost() { stop_all(); }

    // [main-thread] Calls start() on every feature plugin and adds its routes to `router`.
    void start_all(Router& router);
    // [main-thread] Calls stop() on every started feature, in reverse order. Idempotent.
    void stop_all();

private:
    struct Started {
        const LoadedPlugin* plugin;
        const gaggle_feature_v1* table;
    };
    // The (method, path) pairs a feature serves, from routes2 (1.1) when set, else routes (1.0).
    static std::vector<std::pair<std::string, std::string>> routes_of(const LoadedPlugin* plugin,
                                                                      const gaggle_feature_v1* table);

    const PluginRegistry& registry_;
    std::vector<Started> started_;
};

} // namespace gaggle
