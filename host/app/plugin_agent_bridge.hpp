#pragma once
// Connects "gaggle.host.agent/1" (host/plugin/agent_service.cpp) to the host's sessions and
// turns: a plugin's session is an ordinary session of type "scheduled", and its turns run through
// the same TurnService as a client's, with approvals denied.
#include "agent/turn_service.hpp"
#include "config/config.hpp"
#include "plugin/host_services.hpp"
#include "store/session_store.hpp"

#include <memory>

namespace gaggle {

// `turns` is read when a turn starts (the service is built after the plugins load).
void add_agent_services(HostServices& services, SessionStore& sessions, const Config& config,
                        const std::unique_ptr<TurnService>& turns);

} // namespace gaggle
