#pragma once
// goose's own ACP methods (`_goose/...`, and `session/get`), which its desktop calls besides the
// protocol's: a session's details, export and import, its provider and model, the provider list
// and their models, config values and secrets, configured and session extensions, the working
// dir, the session's tools. Each does what its REST route does, with the names the goose SDK
// gives its params (camelCase); errors map as every method's (a client mistake is -32602, an
// unknown session -32002).
#include "app/app_context.hpp"
#include "common/json.hpp"

#include <optional>
#include <string>

namespace gaggle::acp {

// Any thread; may block on the store, the config file or a provider (models). The result, or
// nullopt when `method` is none of these. `params` is as the client sent it: null or an object
// (anything else is -32602).
std::optional<Json> call_goose_method(AppContext& app, const std::string& owner, const std::string& method, const Json& params);

} // namespace gaggle::acp
