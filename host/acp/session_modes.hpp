#pragma once
// Goose's approval modes as ACP session modes: what session/new, load and resume offer the client
// (`modes`), what session/set_mode accepts, and the current_mode_update it is told of after.
#include "common/json.hpp"

#include <string>

namespace gaggle::acp {

// SessionModeState: the four modes, `current` the session's mode now.
Json mode_state(const std::string& current);

// `modeId` of session/set_mode as a mode name; throws invalid_params for anything else.
std::string requested_mode(const Json& params);

// The session/update payload telling the client its mode is now `mode`.
Json current_mode_update(const std::string& mode);

} // namespace gaggle::acp
