#pragma once
// Opens FrameChannels through the loaded gaggle.transport/1 plugins: the plugin whose `types`
// list names the ExtensionConfig's type moves the frames; the host does everything else.
#include "common/json.hpp"
#include "mcp/frame_channel.hpp"

#include <map>
#include <string>
#include <vector>

struct gaggle_transport_v1;

namespace gaggle {
class PluginRegistry;
class LoadedPlugin;
}

namespace gaggle::mcp {

// What the host resolved for one connection (never part of the config JSON a plugin may log).
struct ConnectionContext {
    std::string working_dir;
    std::string session_id;
    std::vector<std::pair<std::string, std::string>> env; // envs, then env_keys resolved from secrets
};

class PluginTransports {
public:
    explicit PluginTransports(const PluginRegistry& plugins);

    bool serves(const std::string& type) const { return by_type_.count(type) > 0; }
    std::vector<std::string> types() const;
    // Opens a connection for `config` (an ExtensionConfig whose type is served); throws
    // std::runtime_error with the plugin's message when it refuses.
    std::unique_ptr<FrameChannel> open(const Json& config, const ConnectionContext& context, FrameHandler handler) const;

private:
    struct Entry {
        const LoadedPlugin* plugin;
        const gaggle_transport_v1* table;
    };
    std::map<std::string, Entry> by_type_;
};

} // namespace gaggle::mcp
