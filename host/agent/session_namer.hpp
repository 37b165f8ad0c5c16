#pragma once
// Names a session after its first exchange: the first user message's text, cut at a word
// boundary near 60 characters. Only while the user has not named it and it is still "New Chat".
// (Upstream asks the model for a title; deriving it locally costs no extra provider call and is
// what the user wrote, so it is never wrong about the topic.)
#include "store/session_store.hpp"

#include <string>

namespace gaggle {

std::string session_name_from_text(const std::string& text);
void maybe_name_session(SessionStore& store, const std::string& owner, const std::string& session_id);

} // namespace gaggle
