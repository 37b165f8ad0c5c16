#pragma once
// Which extensions a session runs. A session remembers its list in extension_data under
// "enabled_extensions.v0" ({"extensions": [ExtensionConfig...]}); a session without one falls
// back to the extensions enabled in config.yaml, as upstream does.
#include "common/json.hpp"
#include "config/config.hpp"
#include "store/session_types.hpp"

namespace gaggle {

inline constexpr const char* enabled_extensions_key = "enabled_extensions.v0";

// ExtensionConfig objects for every entry of config.yaml `extensions:` with enabled: true (the
// `enabled` flag itself removed, as ExtensionConfig has no such field).
Json configured_extensions(const Config& config);
// The session's own list, else configured_extensions(); plus summon when its recipe has sub_recipes.
Json session_extensions(const SessionInfo& session, const Config& config);
// extension_data holding `extensions` as the session's list.
Json extension_data_with(Json extension_data, const Json& extensions);

} // namespace gaggle
