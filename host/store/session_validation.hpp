#pragma once
// Input rules every SessionStore engine applies before touching its database, so they agree on
// what is valid. Each throws Error(invalid_argument) naming the field.
#include "store/session_types.hpp"

#include <string>

namespace gaggle {

// user, scheduled, sub_agent, hidden, terminal (1.24) and gateway, acp (1.34).
void validate_session_type(const std::string& type);

// The user's rename: surrounding whitespace trimmed, 1..200 characters. Returns the trimmed name.
std::string normalize_session_name(const std::string& name);

void validate_new_session(const NewSession& session);
void validate_patch(const SessionPatch& patch);
// Metadata of an imported session.
void validate_session_meta(const SessionInfo& meta);

} // namespace gaggle
