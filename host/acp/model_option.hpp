#pragma once
// The model choice as ACP's session config option (`configOptions`, category "model"): the
// known models of every configured provider, grouped by provider, with the session's own
// provider and model current. session/set_config_option with configId "model" makes a choice the
// session's own, as POST /agent/update_provider does, and the next turn uses it.
#include "app/app_context.hpp"
#include "common/json.hpp"
#include "store/session_types.hpp"

namespace gaggle::acp {

inline constexpr const char* model_option_id = "model";

// The session's configOptions: the model select, or an empty array when no provider is
// configured for it yet (nothing to choose from).
Json config_options(AppContext& app, const SessionInfo& session);

// The change session/set_config_option asks for; throws RpcError(invalid_params) for an unknown
// configId or a value that is not one of the options.
SessionPatch config_option_patch(AppContext& app, const SessionInfo& session, const Json& params);

} // namespace gaggle::acp
