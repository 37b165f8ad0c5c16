#pragma once
// Questions a turn puts to the person driving it, waiting for their answer: tool confirmations
// (POST /action-required/tool-confirmation), MCP elicitations (a later /reply carrying an
// elicitationResponse) and frontend tool calls (a later /reply carrying a toolResponse). The turn
// registers a pending ask before it shows the question, then blocks on it; the answer is
// delivered by (session, id), so a late or stray answer can never reach the wrong question.
#include "agent/cancel_token.hpp"
#include "common/json.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle {

enum class ConfirmAction { allow_once, always_allow, deny_once, always_deny, cancel };
std::optional<ConfirmAction> parse_confirm_action(const std::string& text);

// Thread-safe. Answer must be copyable.
template <class Answer>
class PendingAnswers {
public:
    void expect(const std::string& session_id, const std::string& id)
    {
        std::lock_guard lock(mutex_);
        pending_[{session_id, id}] = std::nullopt;
    }

    // Blocks until answered; nullopt when the turn is cancelled or `give_up` (polled, may be
    // empty) says so first. Forgets the ask either way.
    std::optional<Answer> wait(const std::string& session_id, const std::string& id, const CancelToken& cancel,
                               const std::function<bool()>& give_up = {})
    {
        const Key key{session_id, id};
        std::unique_lock lock(mutex_);
        while (true) {
            auto it = pending_.find(key);
            if (it == pending_.end()) return std::nullopt;
            if (it->second) {
                auto answer = std::move(it->second);
                pending_.erase(it);
                return answer;
            }
            if (cancel.cancelled() || (give_up && give_up())) {
                pending_.erase(it);
                return std::nullopt;
            }
            // Wake regularly to notice cancellation (the token has its own condition variable).
            cv_.wait_for(lock, std::chrono::milliseconds(50));
        }
    }

    // False when nothing is waiting for that id in that session.
    bool deliver(const std::string& session_id, const std::string& id, Answer answer)
    {
        {
            std::lock_guard lock(mutex_);
            auto it = pending_.find({session_id, id});
            if (it == pending_.end() || it->second) return false;
            it->second = std::move(answer);
        }
        cv_.notify_all();
        return true;
    }

private:
    using Key = std::pair<std::string, std::string>;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<Key, std::optional<Answer>> pending_;
};

// Keyed by the tool request id.
using ConfirmationBroker = PendingAnswers<ConfirmAction>;
// Keyed by the elicitation id the turn made up; the answer is the person's `user_data`.
using ElicitationBroker = PendingAnswers<Json>;
// Keyed by the tool request id of a frontend tool call; the answer is the client's CallToolResult.
using FrontendToolBroker = PendingAnswers<Json>;

} // namespace gaggle
