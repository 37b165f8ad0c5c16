#pragma once
// One session/prompt in flight: the agent's events (the same MessageEvents /reply streams) become
// session/update notifications, an approval prompt becomes a permission request, and once the
// turn is done it says how the prompt is answered (stopReason, or an error).
#include "acp/outbox.hpp"
#include "acp/plan_updates.hpp"
#include "agent/turn_service.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle::acp {

class PromptTurn {
public:
    // Called on the turn's thread with an actionRequired toolConfirmation's or elicitation's
    // data; the turn then waits in the ConfirmationBroker (ElicitationBroker) until the answer is
    // delivered or the turn is cancelled.
    using OnActionRequired = std::function<void(const std::string& session_id, const Json& action_data)>;

    PromptTurn(Json request_id, std::string session_id, Outbox& out, OnActionRequired on_action_required);

    const Json& request_id() const noexcept { return request_id_; }
    const std::string& session_id() const noexcept { return session_id_; }
    void set_turn(std::shared_ptr<RunningTurn> turn);
    std::shared_ptr<RunningTurn> turn() const;

    // [turn threads] One MessageEvent of the turn.
    void on_event(const Json& event);
    // session/cancel, or a permission request the client answered `cancelled`.
    void cancel();
    // After the turn is done: the JSON-RPC response to the session/prompt request.
    Json response() const;

private:
    Json request_id_;
    std::string session_id_;
    Outbox& out_;
    OnActionRequired on_action_required_;
    std::atomic<bool> cancelled_{false};
    mutable std::mutex mutex_;
    std::shared_ptr<RunningTurn> turn_;
    std::optional<std::string> error_;
    PlanTracker plan_; // under mutex_
};

} // namespace gaggle::acp
