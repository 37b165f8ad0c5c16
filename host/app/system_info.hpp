#pragma once
// SystemInfo (GET /system_info, and the diagnostics archive): version, OS, provider and model,
// and the extensions a new session would run.
#include "app/app_context.hpp"
#include "common/json.hpp"

namespace gaggle {

Json system_info(const AppContext& app);

} // namespace gaggle
