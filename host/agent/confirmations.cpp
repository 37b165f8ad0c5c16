#include "agent/confirmations.hpp"

namespace gaggle {

std::optional<ConfirmAction> parse_confirm_action(const std::string& t)
{
    if (t == "allow_once") return ConfirmAction::allow_once;
    if (t == "always_allow") return ConfirmAction::always_allow;
    if (t == "deny_once") return ConfirmAction::deny_once;
    if (t == "always_deny") return ConfirmAction::always_deny;
    if (t == "cancel") return ConfirmAction::cancel;
    return std::nullopt;
}

} // namespace gaggle
