#pragma once
// A session's approval mode (auto, approve, smart_approve, chat): the session's own, stored in its
// extension data so it travels with export, import and fork, else the user's GOOSE_MODE, else auto.
// ACP's session/set_mode writes it; every turn reads it when it starts.
#include "common/json.hpp"
#include "store/session_types.hpp"

#include <string>

namespace gaggle {

class Config;

// The extension-data key goose uses for a session's own mode: {"mode": "<mode>"}.
inline constexpr const char* session_mode_key = "goose_mode.v0";

// The mode a turn of `session` runs in now.
std::string session_mode(const Config& config, const SessionInfo& session);

// The extension-data merge that makes `mode` (a valid mode name) the session's own.
Json session_mode_patch(const std::string& mode);

} // namespace gaggle
