#pragma once
// The platform extensions that run inside the host (todo, chatrecall, extensionmanager, summon), switched
// on per session like any extension (`{"type": "platform", "name": ...}` in the session's
// extensions, through /agent/add_extension, or by default from the bundled table).
#include "agent/tool_source.hpp"

#include <functional>
#include <memory>
#include <string>

namespace gaggle {

class AgentManager;
class Config;
class RunningTurn;
struct TurnRequest;

// Starts a turn of another session (TurnService::start): what summon's subagents run on. Events
// go to the emitter on the turn's threads; the handle cancels and joins it.
using TurnStarter =
    std::function<std::shared_ptr<RunningTurn>(const TurnRequest& request, std::function<void(const Json& event)> emit)>;

// What a platform extension may reach beyond its ToolContext. All outlive every agent.
struct PlatformHost {
    AgentManager& agents;
    const Config& config;
    const TurnStarter& start_turn; // empty until the application has its TurnService
};

// The extension for `key` (an extension key: lower case, as mcp::extension_key makes it);
// null when the host has no platform extension of that name.
std::shared_ptr<ToolSource> make_platform_extension(const std::string& key, const PlatformHost& host);

// make_platform_extension bound to one host; an Agent holds one. Empty: no platform extensions.
using PlatformFactory = std::function<std::shared_ptr<ToolSource>(const std::string& key)>;

} // namespace gaggle
