#pragma once
// "gaggle.host.agent/1": agent turns for feature plugins, on top of the host's turn machinery
// (reached through HostServices::agent_*). The C table lives in agent_service.cpp.
#include "plugin/gaggle_abi.hpp"

namespace gaggle {
const gaggle_host_agent_v1* agent_service() noexcept;
}
