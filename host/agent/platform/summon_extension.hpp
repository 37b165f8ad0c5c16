#pragma once
// The "summon" platform extension, as upstream's: load knowledge into the conversation, and
// delegate tasks to subagents. Sources are the sub-recipes of the session's recipe and the
// recipes of the library (summon_sources.hpp); a session whose recipe has sub_recipes gets summon
// even when it is switched off, since that is how sub-recipes run.
// Tools:
// - summon__load {source?, cancel?}: no source lists the sources and background tasks; a source
//   name returns that recipe's text; a background task's id waits for it (or, with cancel: true,
//   stops it) and returns its result.
// - summon__delegate {instructions?, source?, parameters?, extensions?, provider?, model?,
//   max_turns?, async?}: runs a subagent (subagent_task.hpp) on the source recipe, rendered with
//   `parameters`, or on ad-hoc instructions, and returns what it ends with; async: true returns a
//   task id at once. A subagent never delegates further.
#include "agent/platform/platform_extensions.hpp"

#include <map>
#include <mutex>

namespace gaggle {

class SubagentTask;

class SummonExtension final : public ToolSource {
public:
    explicit SummonExtension(const PlatformHost& host) : host_(host) {}
    ~SummonExtension() override; // cancels the background tasks still running

    const std::string& extension_name() const override;
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;

private:
    Json load(const ToolContext& ctx, const Json& arguments);
    Json collect(const ToolContext& ctx, std::shared_ptr<SubagentTask> task, bool cancel);
    Json delegate(const ToolContext& ctx, const Json& arguments);

    PlatformHost host_;
    std::mutex tasks_mutex_;
    std::map<std::string, std::shared_ptr<SubagentTask>> tasks_; // background tasks by session id
};

} // namespace gaggle
