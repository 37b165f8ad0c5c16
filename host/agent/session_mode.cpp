#include "agent/session_mode.hpp"

#include "agent/permissions.hpp"
#include "config/config.hpp"

namespace gaggle {

std::string session_mode(const Config& config, const SessionInfo& session)
{
    auto it = session.extension_data.find(session_mode_key);
    if (it != session.extension_data.end() && it->is_object())
        if (auto m = normalise_mode(it->value("mode", std::string()))) return *m;
    // A bad GOOSE_MODE in the config must not stop turns: the default applies.
    if (auto m = normalise_mode(config.get_string_or("GOOSE_MODE", "auto"))) return *m;
    return "auto";
}

Json session_mode_patch(const std::string& mode) { return Json{{session_mode_key, Json{{"mode", mode}}}}; }

} // namespace gaggle
