#include "acp/prompt_turn.hpp"

#include "acp/jsonrpc.hpp"
#include "acp/session_updates.hpp"

namespace gaggle::acp {

PromptTurn::PromptTurn(Json request_id, std::string session_id, Outbox& out, OnActionRequired on_action_required)
    : request_id_(std::move(request_id)), session_id_(std::move(session_id)), out_(out),
      on_action_required_(std::move(on_action_required))
{
}

void PromptTurn::set_turn(std::shared_ptr<RunningTurn> turn)
{
    std::lock_guard lock(mutex_);
    turn_ = std::move(turn);
    if (cancelled_) turn_->cancel().cancel();
}

std::shared_ptr<RunningTurn> PromptTurn::turn() const
{
    std::lock_guard lock(mutex_);
    return turn_;
}

void PromptTurn::on_event(const Json& event)
{
    const std::string type = event.value("type", std::string());
    if (type == "Error") {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = event.value("error", std::string("the turn failed"));
        return;
    }
    if (type != "Message" || !event.contains("message")) return; // Finish, Notification: nothing to render
    const Json& message = event["message"];
    if (message.contains("content") && message["content"].is_array())
        for (const auto& item : message["content"])
            if (item.is_object() && item.value("type", "") == "actionRequired" && item.contains("data") &&
                item["data"].is_object() &&
                (item["data"].value("actionType", "") == "toolConfirmation" || item["data"].value("actionType", "") == "elicitation"))
                on_action_required_(session_id_, item["data"]);
    for (auto& update : message_updates(message))
        out_.send(make_notification("session/update", Json{{"sessionId", session_id_}, {"update", std::move(update)}}));
    std::optional<Json> plan;
    {
        std::lock_guard lock(mutex_);
        plan = plan_.after(message);
    }
    if (plan) out_.send(make_notification("session/update", Json{{"sessionId", session_id_}, {"update", std::move(*plan)}}));
}

void PromptTurn::cancel()
{
    cancelled_ = true;
    std::lock_guard lock(mutex_);
    if (turn_) turn_->cancel().cancel();
}

Json PromptTurn::response() const
{
    std::lock_guard lock(mutex_);
    // A cancelled turn answers `cancelled` even when the cancellation surfaced as an error
    // inside it (a provider call cut short), as ACP asks.
    if (cancelled_ || (turn_ && turn_->cancel().cancelled())) return make_response(request_id_, Json{{"stopReason", "cancelled"}});
    if (error_) return make_error(request_id_, rpc_code::internal_error, *error_);
    return make_response(request_id_, Json{{"stopReason", "end_turn"}});
}

} // namespace gaggle::acp
