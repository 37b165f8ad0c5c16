#pragma once
// One task summon delegates: a session of type "sub_agent" made for it, one turn run there
// through the host's TurnService, and what that turn ends with. The subagent's session is an
// ordinary stored session (listable, searchable, readable afterwards) in auto mode; its turn is
// unattended (a tool that still needs approval is denied, as nobody watches it) and it cannot
// delegate further.
#include "agent/cancel_token.hpp"
#include "agent/platform/platform_extensions.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gaggle {

struct SubagentSpec {
    Json recipe;                     // rendered; stored as the sub-session's recipe
    std::string prompt;              // the turn's user message
    Json extensions = Json::array(); // ExtensionConfig[] the subagent runs
    std::optional<std::string> provider;
    std::optional<std::string> model;
};

class SubagentTask {
public:
    // Creates the session and starts its turn; returns at once. `progress`, when given, hears
    // one line per tool the subagent calls (on the turn's thread). Throws gaggle::Error when the
    // session cannot be made or the host runs no turns.
    static std::shared_ptr<SubagentTask> start(const PlatformHost& host, SessionStore& store, const SessionInfo& parent,
                                               const SubagentSpec& spec,
                                               std::function<void(const std::string& line)> progress = {});

    const std::string& session_id() const noexcept { return session_id_; }
    const std::string& title() const noexcept { return title_; }
    bool done() const;
    // Waits for the end, or until `interrupt` is set (then false; the task goes on).
    bool wait(const CancelToken* interrupt) const;
    void cancel();
    // The tool result: the subagent's final output (a recipe with response.json_schema), else
    // its last text; an error result when it failed without saying anything. Call once done.
    Json result(SessionStore& store) const;

private:
    struct Shared {
        std::mutex mutex;
        std::string error;
        std::function<void(const std::string&)> progress;
    };
    std::string owner_, session_id_, title_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    std::shared_ptr<RunningTurn> turn_;
};

} // namespace gaggle
