#pragma once
// Starts feature plugins and mounts the routes they serve on the host's router, behind the same
// auth, CORS and body limits as built-in routes. A feature whose start fails, or a route that
// clashes with one already served, is refused with a log line; the host keeps running.
#include "http/router.hpp"
#include "plugin/plugin_registry.hpp"

#include "plugin/gaggle_abi.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gaggle {

// What a feature answered a request the host sent it itself.
struct FeatureReply {
    int status = 200;
    std::string content_type;
    std::string body;
};

class FeatureHost {
public:
    explicit FeatureHost(const PluginRegistry& registry) : registry_(registry) {}
    ~FeatureHost() { stop_all(); }

    // [main-thread] Calls start() on every feature plugin and adds its routes to `router`.
    void start_all(Router& router);
    // [main-thread] Calls stop() on every started feature, in reverse order. Idempotent.
    void stop_all();

    // [any thread, after start_all] Hands one request to the started feature that serves
    // `method` `path`, in-process, as if a client had sent it with a JSON `body` for `user_id`,
    // and collects its answer. How the host drives a feature's own API (POST /recipes/schedule
    // creates the scheduler's job) without knowing its internals. nullopt when no started
    // feature serves the route. Throws Error when the plugin fails, as its route would answer.
    std::optional<FeatureReply> call(const std::string& method, const std::string& path, const std::string& body,
                                     const std::string& user_id) const;
    // [any thread, after start_all] Whether a started feature serves `method` `path`.
    bool serves(const std::string& method, const std::string& path) const;

private:
    struct Started {
        const LoadedPlugin* plugin;
        const gaggle_feature_v1* table;
    };
    struct Mounted {
        const LoadedPlugin* plugin;
        const gaggle_feature_v1* table;
        size_t index;
    };
    // The (method, path) pairs a feature serves, from routes2 (1.1) when set, else routes (1.0).
    static std::vector<std::pair<std::string, std::string>> routes_of(const LoadedPlugin* plugin,
                                                                      const gaggle_feature_v1* table);

    const PluginRegistry& registry_;
    std::vector<Started> started_;
    // The routes mounted by start_all again, matched by call(); mounted_[i] serves
    // mounted_routes_.routes()[i].
    Router mounted_routes_;
    std::vector<Mounted> mounted_;
};

} // namespace gaggle
