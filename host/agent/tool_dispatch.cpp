#include "agent/tool_dispatch.hpp"

#include "agent/messages.hpp"

#include <future>

namespace gaggle {
namespace {

constexpr const char* declined_text =
    "The user declined to run this tool. Do not try to call it again; explain what you wanted to do "
    "and ask how to proceed instead.";
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
    try {
        Json result = ctx.tools.call(tc, call.name, call.arguments);
        if (!result.is_object() || !result.contains("content")) throw std::runtime_error("tool returned no content");
        return tool_response_content(call.id, result);
    } catch (const std::exception& e) {
        return tool_response_content(call.id, std::string("Tool failed: ") + e.what(), true);
    }
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

    // Every approved call runs at once; each result lands in its own slot.
    std::vector<std::future<Json>> running;
    for (size_t i : approved) running.push_back(std::async(std::launch::async, [&ctx, &calls, i] { return run_one(ctx, calls[i]); }));
    for (size_t k = 0; k < approved.size(); ++k) results[approved[k]] = running[k].get();

    for (auto& r : results) round.responses.push_back(std::move(*r));
    if (ctx.cancel.cancelled()) round.stop_turn = true;
    return round;
}

} // namespace gaggle
