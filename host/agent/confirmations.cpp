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

void ConfirmationBroker::expect(const std::string& session_id, const std::string& request_id)
{
    std::lock_guard lock(mutex_);
    pending_[{session_id, request_id}] = std::nullopt;
}

std::optional<ConfirmAction> ConfirmationBroker::wait(const std::string& session_id, const std::string& request_id,
                                                      const CancelToken& cancel)
{
    const Key key{session_id, request_id};
    std::unique_lock lock(mutex_);
    while (true) {
        auto it = pending_.find(key);
        if (it == pending_.end()) return std::nullopt;
        if (it->second) {
            auto answer = it->second;
            pending_.erase(it);
            return answer;
        }
        if (cancel.cancelled()) {
            pending_.erase(it);
            return std::nullopt;
        }
        // Wake regularly to notice cancellation (the token has its own condition variable).
        cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
}

bool ConfirmationBroker::deliver(const std::string& session_id, const std::string& request_id, ConfirmAction action)
{
    {
        std::lock_guard lock(mutex_);
        auto it = pending_.find({session_id, request_id});
        if (it == pending_.end() || it->second) return false;
        it->second = action;
    }
    cv_.notify_all();
    return true;
}

} // namespace gaggle
