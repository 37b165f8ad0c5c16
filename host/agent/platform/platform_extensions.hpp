#pragma once
// The platform extensions that run inside the host and are switched on per session like any
// extension (`{"type": "platform", "name": ...}` in the session's extensions or through
// /agent/add_extension). `todo` is not among them: it is always there.
#include "agent/tool_source.hpp"

#include <memory>
#include <string>

namespace gaggle {

// The extension for `key` (an extension key: lower case, as mcp::extension_key makes it);
// null when the host has no platform extension of that name.
std::shared_ptr<ToolSource> make_platform_extension(const std::string& key);

} // namespace gaggle
