#include "agent/session_namer.hpp"

#include "agent/messages.hpp"

namespace gaggle {

std::string session_name_from_text(const std::string& text)
{
    std::string name;
    bool space = false;
    for (char c : text) { // fold whitespace runs and newlines into single spaces
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = !name.empty();
            continue;
        }
        if (space) name += ' ';
        space = false;
        name += c;
    }
    constexpr size_t max = 60;
    if (name.size() <= max) return name;
    size_t cut = name.rfind(' ', max);
    if (cut == std::string::npos || cut < max / 2) cut = max;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut; // not inside a UTF-8 character
    return name.substr(0, cut) + "...";
}

void maybe_name_session(SessionStore& store, const std::string& owner, const std::string& session_id)
{
    const SessionInfo s = store.get_session(owner, session_id);
    if (s.user_set_name || s.name != "New Chat") return;
    std::string first;
    store.for_each_message(owner, session_id, [&](std::string_view raw) {
        if (!first.empty()) return;
        Json m = Json::parse(raw);
        if (m.value("role", "") == "user") first = message_text(m);
    });
    const std::string name = session_name_from_text(first);
    if (name.empty()) return;
    SessionPatch patch;
    patch.name = name; // the store applies it only while user_set_name is false
    store.update_session(owner, session_id, patch);
}

} // namespace gaggle
