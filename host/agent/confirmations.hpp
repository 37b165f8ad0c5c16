#pragma once
// Tool calls waiting for a human. The loop registers a pending ask before it shows the prompt,
// then blocks on it; POST /action-required/tool-confirmation delivers the answer by (session, tool
// request id), so a late or stray answer can never reach the wrong call.
#include "agent/cancel_token.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle {

enum class ConfirmAction { allow_once, always_allow, deny_once, always_deny, cancel };
std::optional<ConfirmAction> parse_confirm_action(const std::string& text);

class ConfirmationBroker {
public:
    void expect(const std::string& session_id, const std::string& request_id);
    // Blocks until answered; nullopt when the turn is cancelled first. Forgets the ask either way.
    std::optional<ConfirmAction> wait(const std::string& session_id, const std::string& request_id, const CancelToken& cancel);
    // False when nothing is waiting for that id in that session.
    bool deliver(const std::string& session_id, const std::string& request_id, ConfirmAction action);

private:
    using Key = std::pair<std::string, std::string>;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<Key, std::optional<ConfirmAction>> pending_;
};

} // namespace gaggle
