#include "agent/recipe_retry.hpp"

#include "developer/shell_runner.hpp"

namespace gaggle {
namespace {

std::chrono::seconds seconds_of(const Json& block, const char* key, std::chrono::seconds fallback)
{
    auto it = block.find(key);
    if (it == block.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) return fallback;
    return std::chrono::seconds(std::min<std::int64_t>(it->get<std::int64_t>(), 24 * 3600));
}

} // namespace

std::optional<RetryPolicy> recipe_retry_policy(const SessionInfo& session)
{
    if (!session.recipe || !session.recipe->is_object()) return std::nullopt;
    auto block = session.recipe->find("retry");
    if (block == session.recipe->end() || !block->is_object()) return std::nullopt;
    RetryPolicy p;
    if (auto m = block->find("max_retries"); m != block->end() && m->is_number_integer())
        p.max_retries = static_cast<int>(std::clamp<std::int64_t>(m->get<std::int64_t>(), 0, 100));
    if (auto checks = block->find("checks"); checks != block->end() && checks->is_array())
        for (const auto& c : *checks)
            if (c.is_object() && c.value("type", std::string("shell")) == "shell" && c.contains("command") && c["command"].is_string())
                p.checks.push_back(c["command"].get<std::string>());
    if (p.checks.empty()) return std::nullopt;
    if (auto f = block->find("on_failure"); f != block->end() && f->is_string() && !f->get_ref<const std::string&>().empty())
        p.on_failure = f->get<std::string>();
    p.timeout = seconds_of(*block, "timeout_seconds", p.timeout);
    p.on_failure_timeout = seconds_of(*block, "on_failure_timeout_seconds", p.on_failure_timeout);
    return p;
}

CommandResult run_recipe_command(const std::string& command, const std::string& dir, std::chrono::seconds timeout,
                                 const CancelToken& cancel)
{
    developer::ShellRequest request;
    request.command = command;
    request.working_dir = dir;
    request.timeout = timeout;
    request.inline_limit = 4 * 1024; // the notice shows the end; a check's output is not kept
    request.tail_limit = 1024;
    developer::ShellHooks hooks;
    hooks.cancelled = [&cancel] { return cancel.cancelled(); };
    const developer::ShellOutcome outcome = developer::run_shell(request, hooks);
    if (outcome.output_file) {
        std::error_code ec;
        std::filesystem::remove(*outcome.output_file, ec);
    }
    CommandResult r;
    r.exit_code = outcome.started ? outcome.exit_code : -1;
    r.timed_out = outcome.timed_out;
    r.cancelled = outcome.cancelled;
    r.output = outcome.started ? outcome.output : outcome.spawn_error;
    return r;
}

} // namespace gaggle
