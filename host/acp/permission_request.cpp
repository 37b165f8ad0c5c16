#include "acp/permission_request.hpp"

#include "acp/session_updates.hpp"

namespace gaggle::acp {

Json permission_request_params(const std::string& session_id, const Json& action_data)
{
    const std::string id = action_data.value("id", std::string());
    const std::string name = action_data.value("toolName", std::string());
    Json tool_call{{"toolCallId", id}, {"title", name}, {"kind", tool_kind(name)}, {"status", "pending"}};
    if (action_data.contains("arguments")) tool_call["rawInput"] = action_data["arguments"];
    Json options = Json::array({Json{{"optionId", "allow_once"}, {"name", "Allow once"}, {"kind", "allow_once"}},
                                Json{{"optionId", "allow_always"}, {"name", "Always allow"}, {"kind", "allow_always"}},
                                Json{{"optionId", "reject_once"}, {"name", "Reject"}, {"kind", "reject_once"}}});
    return Json{{"sessionId", session_id}, {"toolCall", std::move(tool_call)}, {"options", std::move(options)}};
}

ConfirmAction action_for_answer(const Json& result)
{
    if (!result.is_object() || !result.contains("outcome") || !result["outcome"].is_object()) return ConfirmAction::cancel;
    const Json& outcome = result["outcome"];
    if (outcome.value("outcome", Json()) != "selected") return ConfirmAction::cancel;
    const Json option = outcome.value("optionId", Json());
    if (option == "allow_once") return ConfirmAction::allow_once;
    if (option == "allow_always") return ConfirmAction::always_allow;
    if (option == "reject_once") return ConfirmAction::deny_once;
    return ConfirmAction::cancel;
}

} // namespace gaggle::acp
