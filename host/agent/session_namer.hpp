#pragma once
// Names a session after its first exchange: the first user message's text, cut at a word
// boundary near 60 characters. Only while the user has not named it and it is still "New Chat".
// (Upstream asks the model for a title; deriving it locally costs no extra provider call and is
// what the user wrote, so it is never wrong about the topic.)
#include "store/session_types.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gaggle {

std::string session_name_from_text(const std::string& text);
// Whether the session still has the name a new chat gets (not one the user or a turn gave it).
bool wants_automatic_name(const SessionInfo& session);
// The name to give the session now, from its conversation in memory (no store read); nullopt
// when it keeps its name.
std::optional<std::string> automatic_session_name(const SessionInfo& session, const std::vector<Json>& conversation);

} // namespace gaggle
