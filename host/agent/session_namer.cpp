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

bool wants_automatic_name(const SessionInfo& session) { return !session.user_set_name && session.name == "New Chat"; }

std::optional<std::string> automatic_session_name(const SessionInfo& session, const std::vector<Json>& conversation)
{
    if (!wants_automatic_name(session)) return std::nullopt;
    for (const auto& m : conversation) {
        if (m.value("role", "") != "user") continue;
        std::string name = session_name_from_text(message_text(m));
        if (name.empty()) return std::nullopt;
        return name;
    }
    return std::nullopt;
}

} // namespace gaggle
