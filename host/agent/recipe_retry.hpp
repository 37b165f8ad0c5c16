#pragma once
// A recipe's `retry` block: after the turn's loop ends, each shell check runs (bash -c in the
// session's working dir, exit 0 passes). When one fails, `on_failure` runs, the conversation goes
// back to how it was when the turn began (with the user's message), and the loop runs again, up
// to max_retries more times. The checks run as the server's user, as the session's developer
// tools do.
#include "agent/cancel_token.hpp"
#include "store/session_types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct RetryPolicy {
    int max_retries = 1;
    std::vector<std::string> checks;
    std::optional<std::string> on_failure;
    std::chrono::seconds timeout{300};            // each check
    std::chrono::seconds on_failure_timeout{600};
};

// The session's recipe's retry block (validated when the recipe was accepted); nullopt when none.
std::optional<RetryPolicy> recipe_retry_policy(const SessionInfo& session);

struct CommandResult {
    int exit_code = -1;  // 128 + signal when killed
    bool timed_out = false;
    bool cancelled = false;
    std::string output;  // the end of stdout and stderr together, for the notice
};

// [blocking] Runs `command` with bash -c in `dir`, in its own process group, which is killed on
// timeout or cancel.
CommandResult run_recipe_command(const std::string& command, const std::string& dir, std::chrono::seconds timeout,
                                 const CancelToken& cancel);

} // namespace gaggle
