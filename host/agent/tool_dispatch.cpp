#include "agent/tool_dispatch.hpp"

#include "agent/elicitation.hpp"
#include "agent/frontend_tools.hpp"
#include "agent/messages.hpp"

#include "agent/worker_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace gaggle {
namespace {

constexpr const char* declined_text =
    "The user declined to run this tool. Do not try to call it again; explain what you wanted to do "
    "and ask how to proceed instead.";
constexpr const char* unattended_text =
    "This session runs unattended (permission policy deny_on_approval): tools that need a person's approval are "
    "denied without asking, so this tool was not run. Do what you can without it and say what was skipped.";
constexpr const char* chat_mode_text =
    "Tool calls are turned off in chat mode, so this tool was not run. Explain your plan to the user instead.";

// Shows the confirmation prompt and waits for the answer. nullopt: the turn was cancelled.
std::optional<ConfirmAction> ask(TurnContext& ctx, const ToolCall& call)
{
    ctx.services.confirmations.expect(ctx.session_id, call.id);
    Json prompt = make_message("assistant",
                               Json::array({Json{{"type", "actionRequired"},
                                                 {"data",
                                                  {{"actionType", "toolConfirmation"},
                                                   {"id", call.id},
                                                   {"toolName", call.name},
                                                   {"arguments", call.arguments},
                                                   {"prompt", nullptr}}}}}),
                               true, false);
    ctx.emit_message(prompt);
    return ctx.services.confirmations.wait(ctx.session_id, call.id, ctx.cancel);
}

Json run_one(TurnContext& ctx, const ToolCall& call)
{
    ToolContext tc;
    tc.owner = ctx.owner;
    tc.session_id = ctx.session_id;
    tc.working_dir = ctx.session.working_dir;
    tc.tool_request_id = call.id;
    tc.store = &ctx.services.store;
    tc.cancel = &ctx.cancel;
    tc.notify = [&ctx, id = call.id](const Json& n) {
        ctx.emit(Json{{"type", "Notification"}, {"request_id", id}, {"message", n}});
    };
    // An unattended turn has nobody to ask: the extension is told no (the call's ToolContext
    // has no elicit).
    if (!ctx.deny_on_approval)
        tc.elicit = [&ctx](const Json& params, const std::function<bool()>& abandoned) {
            return elicit_from_user(ctx, params, abandoned);
        };
    if (ctx.client_runs_frontend_tools)
        tc.run_on_client = [&ctx, id = call.id](const std::string& name, const Json& arguments, std::chrono::seconds timeout) {
            return run_on_client(ctx, id, name, arguments, timeout);
        };
    try {
        // A tool the session has may run in the client instead (an editor's buffers and terminals).
        std::optional<Json> by_client;
        if (ctx.client_tools && ctx.tools.find(call.name)) by_client = ctx.client_tools->run(tc, call.name, call.arguments);
        Json result = by_client ? std::move(*by_client) : ctx.tools.call(tc, call.name, call.arguments);
        if (!result.is_object() || !result.contains("content")) throw std::runtime_error("tool returned no content");
        return tool_response_content(call.id, result);
    } catch (const std::exception& e) {
        return tool_response_content(call.id, std::string("Tool failed: ") + e.what(), true);
    }
}

// Runs the approved calls, at most max_parallel_tools at once: the turn's own thread takes calls
// too, and helpers from a shared pool join it. A helper that starts after every call was taken
// leaves without touching the turn, so the turn never waits for a busy pool. Each result lands in
// its own slot.
void run_bounded(TurnContext& ctx, const std::vector<ToolCall>& calls, const std::vector<size_t>& approved,
                 std::vector<std::optional<Json>>& results)
{
    constexpr size_t max_parallel_tools = 4;
    static WorkerPool helpers(64, 4);
    struct Progress {
        size_t total = 0;
        std::atomic<size_t> next{0};
        std::mutex mutex;
        std::condition_variable cv;
        size_t done = 0;
    };
    auto progress = std::make_shared<Progress>();
    progress->total = approved.size();
    auto take_calls = [progress, &ctx, &calls, &approved, &results] {
        for (;;) {
            const size_t k = progress->next.fetch_add(1);
            if (k >= progress->total) return;
            Json r = run_one(ctx, calls[approved[k]]);
            results[approved[k]] = std::move(r);
            {
                std::lock_guard lock(progress->mutex);
                ++progress->done;
            }
            progress->cv.notify_all();
        }
    };
    for (size_t h = 1; h < std::min(max_parallel_tools, approved.size()); ++h) helpers.submit(take_calls);
    take_calls();
    std::unique_lock lock(progress->mutex);
    progress->cv.wait(lock, [&] { return progress->done == progress->total; });
}

} // namespace

ToolRound dispatch_tools(TurnContext& ctx, const std::vector<ToolCall>& calls)
{
    ToolRound round;
    std::vector<std::optional<Json>> results(calls.size());
    std::vector<size_t> approved;
    for (size_t i = 0; i < calls.size(); ++i) {
        const ToolCall& call = calls[i];
        if (call.error) {
            results[i] = tool_response_content(call.id, "Could not parse the tool call: " + *call.error, true);
            continue;
        }
        if (ctx.mode == "chat") {
            results[i] = tool_response_content(call.id, chat_mode_text, true);
            continue;
        }
        const auto spec = ctx.tools.find(call.name);
        if (!spec) {
            results[i] = tool_response_content(call.id, "Tool " + call.name + " does not exist.", true);
            continue;
        }
        PermissionDecision decision = ctx.services.permissions.decide(ctx.owner, ctx.mode, call.name, spec->read_only);
        if (decision == PermissionDecision::ask && ctx.deny_on_approval) {
            results[i] = tool_response_content(call.id, unattended_text, true);
            continue;
        }
        if (decision == PermissionDecision::ask && !round.stop_turn) {
            const auto answer = ask(ctx, call);
            if (!answer || *answer == ConfirmAction::cancel) {
                round.stop_turn = true;
                decision = PermissionDecision::deny;
            } else if (*answer == ConfirmAction::always_allow) {
                ctx.services.permissions.set_rule(ctx.owner, call.name, PermissionLevel::always_allow);
                decision = PermissionDecision::allow;
            } else if (*answer == ConfirmAction::always_deny) {
                ctx.services.permissions.set_rule(ctx.owner, call.name, PermissionLevel::never_allow);
                decision = PermissionDecision::deny;
            } else {
                decision = *answer == ConfirmAction::allow_once ? PermissionDecision::allow : PermissionDecision::deny;
            }
        } else if (round.stop_turn) {
            decision = PermissionDecision::deny;
        }
        if (decision == PermissionDecision::allow) approved.push_back(i);
        else results[i] = tool_response_content(call.id, declined_text, true);
    }

    // A tool with side effects may act on the world: everything the turn stored before it (the
    // request that asked for it above all) is made durable first.
    for (size_t i : approved)
        if (const auto spec = ctx.tools.find(calls[i].name); !spec || !spec->read_only) {
            ctx.barrier();
            break;
        }

    run_bounded(ctx, calls, approved, results);

    for (auto& r : results) round.responses.push_back(std::move(*r));
    if (ctx.cancel.cancelled()) round.stop_turn = true;
    return round;
}

} // namespace gaggle
