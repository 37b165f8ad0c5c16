#pragma once
// Our approval prompt (an actionRequired toolConfirmation, what /reply shows the desktop) as an
// ACP `session/request_permission` request, and the client's answer as the ConfirmAction that
// POST /action-required/tool-confirmation would deliver.
#include "agent/confirmations.hpp"
#include "common/json.hpp"

#include <string>

namespace gaggle::acp {

// The params of session/request_permission for `action_data` ({id, toolName, arguments, ...}).
// The options are allow_once, allow_always and reject_once, their ids the same words.
Json permission_request_params(const std::string& session_id, const Json& action_data);

// What a RequestPermissionResponse result means. A cancelled outcome, an unknown option id or a
// malformed answer is `cancel`: the turn stops rather than run a tool nobody clearly approved.
ConfirmAction action_for_answer(const Json& result);

} // namespace gaggle::acp
