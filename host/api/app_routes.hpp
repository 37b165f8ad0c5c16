#pragma once
// MCP Apps (goosed 1.24): GET /agent/list_apps[?session_id], GET /agent/export_app/{name},
// POST /agent/import_app. Registered with the agent routes.
#include "app/app_context.hpp"
#include "http/router.hpp"

namespace gaggle {

void register_app_routes(Router& router, AppContext& app);

} // namespace gaggle
