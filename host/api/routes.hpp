#pragma once
// Every route group registers itself here; each lives in its own file (host/api/<group>_routes.cpp).
// A handler parses and validates, calls one service, and writes JSON: no business logic.
#include "app/app_context.hpp"
#include "http/router.hpp"

namespace gaggle {

class Authenticator;

void register_status_routes(Router& router, AppContext& app);
void register_openapi_routes(Router& router, AppContext& app);
void register_agent_routes(Router& router, AppContext& app);
void register_session_routes(Router& router, AppContext& app);
void register_reply_routes(Router& router, AppContext& app);
void register_session_event_routes(Router& router, AppContext& app);
void register_provider_routes(Router& router, AppContext& app);
void register_seed_routes(Router& router, AppContext& app);
void register_seed_extension_routes(Router& router, AppContext& app);
void register_extension_routes(Router& router, AppContext& app);
void register_config_extension_routes(Router& router, AppContext& app);
void register_recipe_routes(Router& router, AppContext& app);
void register_config_routes(Router& router, AppContext& app);
void register_provider_config_routes(Router& router, AppContext& app);
void register_prompt_routes(Router& router, AppContext& app);
void register_telemetry_routes(Router& router, AppContext& app);
void register_slash_command_routes(Router& router, AppContext& app);
// `auth` (the server's) checks the secret these pages take in their query; it outlives the router.
void register_sandbox_routes(Router& router, const Authenticator& auth);

} // namespace gaggle
