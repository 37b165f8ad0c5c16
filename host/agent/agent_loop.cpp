#include "agent/agent_loop.hpp"

#include "agent/compaction.hpp"
#include "agent/platform/final_output_tool.hpp"
#include "agent/messages.hpp"
#include "agent/provider_turn.hpp"
#include "agent/recipe_retry.hpp"
#include "agent/session_mode.hpp"
#include "agent/session_namer.hpp"
#include "agent/slash_commands.hpp"
#include "agent/system_prompt.hpp"
#include "agent/tool_dispatch.hpp"
#include "common/error.hpp"
#include "recipe/recipe_prompt.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gaggle {
namespace {

// How often a model that stops without calling recipe__final_output is asked to, before the
// turn ends without it.
constexpr int max_final_output_nudges = 3;
constexpr const char* final_output_nudge =
    "You have not called recipe__final_output yet. Call it now, with the task's result as its arguments, matching its "
    "schema; do not answer in plain text.";

// Whether the round answered a recipe__final_output call without an error.
bool final_output_given(const std::vector<ToolCall>& calls, const Json& responses)
{
    for (const auto& call : calls) {
        if (call.name != final_output_tool_name) continue;
        for (const auto& r : responses)
            if (r.value("id", std::string()) == call.id) {
                const Json& result = r.value("toolResult", Json::object());
                if (result.value("status", std::string()) == "success" && !result.value("value", Json::object()).value("isError", false))
                    return true;
            }
    }
    return false;
}

constexpr const char* max_turns_text =
    "I've reached the maximum number of actions I can do without user input. Would you like me to continue?";

// The recipe's settings.max_turns when the session runs one (a subagent's delegate sets it too),
// else GOOSE_MAX_TURNS, else 1000.
std::int64_t max_turns(const AgentServices& s, const SessionInfo& session)
{
    if (session.recipe && session.recipe->is_object()) {
        const Json& settings = session.recipe->value("settings", Json::object());
        if (settings.is_object()) {
            const Json& m = settings.value("max_turns", Json());
            if (m.is_number_integer() && m.get<std::int64_t>() > 0) return m.get<std::int64_t>();
        }
    }
    auto v = s.config.get("GOOSE_MAX_TURNS");
    return (v && v->is_number_integer() && v->get<std::int64_t>() > 0) ? v->get<std::int64_t>() : 1000;
}

// Checks the client's message and fills what the desktop may leave out (id, created).
Json accept_user_message(const Json& given)
{
    if (!given.is_object()) throw unprocessable("field `user_message` must be a Message object");
    if (given.value("role", std::string()) != "user") throw unprocessable("field `user_message.role` must be \"user\"");
    if (!given.contains("content") || !given["content"].is_array()) throw unprocessable("field `user_message.content` must be an array");
    Json m = given;
    if (!m.contains("id") || !m["id"].is_string() || m["id"].get<std::string>().empty()) m["id"] = new_message_id();
    if (!m.contains("created") || !m["created"].is_number_integer()) m["created"] = unix_seconds_now();
    if (!m.contains("metadata") || !m["metadata"].is_object()) m["metadata"] = {{"userVisible", true}, {"agentVisible", true}};
    return m;
}

// Every extension of the session, sorted by name as its tools are (stable prompts cache better).
std::vector<ExtensionPrompt> extension_prompts(const ToolSet& tools)
{
    std::vector<ExtensionPrompt> out;
    for (const auto& source : tools.sources()) out.push_back({source->extension_name(), source->instructions()});
    std::sort(out.begin(), out.end(), [](const ExtensionPrompt& a, const ExtensionPrompt& b) { return a.name < b.name; });
    return out;
}

// The loop proper; returns when the model stops, a limit is hit, an error ends it or it is cancelled.
void loop(TurnContext& ctx)
{
    const std::string system = build_system_prompt(ctx.services.config, ctx.session.working_dir, extension_prompts(ctx.tools)) +
                               recipe_system_prompt(ctx.session, ctx.services.config);
    const std::int64_t limit = max_turns(ctx.services, ctx.session);
    bool compacted_for_overflow = false;
    const bool wants_final_output = ctx.mode != "chat" && ctx.tools.find(final_output_tool_name).has_value();
    int nudges = 0;
    for (std::int64_t turn = 1;; ++turn) {
        if (ctx.cancel.cancelled()) return;
        if (turn > limit) {
            Json m = make_message("assistant", Json::array({text_content(max_turns_text)}));
            ctx.persist({m});
            ctx.emit_message(m);
            return;
        }
        ProviderReply reply = call_provider(ctx, build_chat_request(ctx, system));
        std::optional<TokenUsage> usage;
        if (reply.usage) usage = TokenUsage{reply.usage->first, reply.usage->second, std::nullopt};
        const auto assistant = reply.assistant_message();
        if (reply.outcome.status == GAGGLE_ERR_CONTEXT_LENGTH && !reply.streamed_anything && !compacted_for_overflow) {
            compacted_for_overflow = true;
            if (usage) ctx.persist({}, usage);
            if (compact_conversation(ctx, "Context limit reached. Compacting to continue.")) continue;
            usage.reset(); // recorded above
        }
        if (reply.outcome.status != GAGGLE_OK) {
            // What was produced before the failure is kept; tool calls of a broken reply are not run.
            std::vector<Json> kept;
            if (assistant && !reply.text.empty()) {
                Json partial = make_message("assistant", reply.thinking, true, true, reply.message_id);
                partial["content"].push_back(text_content(reply.text));
                partial["created"] = reply.created;
                kept.push_back(std::move(partial));
            }
            if (!kept.empty() || usage) ctx.persist(std::move(kept), usage);
            if (reply.outcome.status != GAGGLE_ERR_CANCELLED && !ctx.cancel.cancelled())
                ctx.emit_error(provider_error_class(reply.outcome.status) + ": " + reply.outcome.message);
            return;
        }
        compacted_for_overflow = false;
        if (!assistant) { // the model said nothing at all
            if (usage) ctx.persist({}, usage);
            return;
        }
        ctx.persist({*assistant}, usage);
        if (reply.tool_calls.empty()) {
            // Text already went out as deltas; thinking goes out now that it is complete.
            if (!reply.thinking.empty()) {
                Json t = *assistant;
                t["content"] = reply.thinking;
                ctx.emit_message(t);
            }
            // A recipe that asks for a structured result insists on it (the user does not see the nudge).
            if (wants_final_output && nudges < max_final_output_nudges) {
                ++nudges;
                ctx.persist({make_message("user", Json::array({text_content(final_output_nudge)}), false, true)});
                continue;
            }
            return;
        }
        // The tool requests (and thinking) join the streamed bubble: same message id.
        Json requests = *assistant;
        Json items = Json::array();
        for (auto& c : (*assistant)["content"])
            if (c.value("type", "") != "text") items.push_back(c);
        requests["content"] = items;
        ctx.emit_message(requests);

        ToolRound round = dispatch_tools(ctx, reply.tool_calls);
        Json responses = make_message("user", round.responses);
        ctx.persist({responses});
        ctx.emit_message(responses);
        if (round.stop_turn) return;
        if (wants_final_output && final_output_given(reply.tool_calls, round.responses)) return; // the task's result is in
    }
}

// The first check of `policy` that fails, with why; nullopt when all pass.
std::optional<std::string> failing_check(const TurnContext& ctx, const RetryPolicy& policy)
{
    for (const auto& check : policy.checks) {
        const CommandResult r = run_recipe_command(check, ctx.session.working_dir, policy.timeout, ctx.cancel);
        if (r.cancelled) return "cancelled";
        if (r.exit_code == 0 && !r.timed_out) continue;
        std::string why = "`" + check + "` " + (r.timed_out ? "timed out" : "exited with " + std::to_string(r.exit_code));
        if (!r.output.empty()) why += ": " + r.output.substr(r.output.size() > 500 ? r.output.size() - 500 : 0);
        return why;
    }
    return std::nullopt;
}

// The loop, then the recipe's retry checks: on a failure, on_failure runs, the conversation goes
// back to how it was when the turn began (with the user's message) and the loop runs again.
void loop_with_retries(TurnContext& ctx)
{
    const auto policy = recipe_retry_policy(ctx.session);
    if (!policy) return loop(ctx);
    const std::vector<Json> initial = ctx.parsed_history(); // a copy: the loop appends to history
    loop(ctx);
    for (int attempt = 1;; ++attempt) {
        if (ctx.cancel.cancelled()) return;
        ctx.barrier(); // what the attempt stored is durable before anything is thrown away
        const auto failure = failing_check(ctx, *policy);
        if (ctx.cancel.cancelled()) return;
        if (!failure) {
            ctx.emit_notification("inlineMessage", "Retry checks passed");
            return;
        }
        if (attempt > policy->max_retries) {
            ctx.emit_notification("inlineMessage", "Retry checks still fail after " + std::to_string(policy->max_retries) +
                                                       " retries: " + *failure);
            return;
        }
        ctx.emit_notification("inlineMessage", "Retry check failed: " + *failure + ". Running the task again (retry " +
                                                   std::to_string(attempt) + " of " + std::to_string(policy->max_retries) + ")");
        if (policy->on_failure) run_recipe_command(*policy->on_failure, ctx.session.working_dir, policy->on_failure_timeout, ctx.cancel);
        ctx.services.store.replace_conversation(ctx.owner, ctx.session_id, initial);
        ctx.replace_history(initial);
        ctx.emit(Json{{"type", "UpdateConversation"}, {"conversation", initial}});
        loop(ctx);
    }
}

} // namespace

std::pair<const ProviderEntry*, std::string> resolve_provider(const AgentServices& services, const SessionInfo& session)
{
    std::string name = session.provider_name.value_or("");
    if (name.empty()) name = services.config.get_string_or("GOOSE_PROVIDER", "");
    if (name.empty())
        throw Error(ErrorKind::precondition, "No provider configured: set GOOSE_PROVIDER or call /agent/update_provider");
    const ProviderEntry* entry = services.providers.find(name);
    if (!entry) throw Error(ErrorKind::precondition, "Provider '" + name + "' is not available (no plugin or custom provider by that name)");
    std::string model;
    if (session.model_config && session.model_config->is_object())
        model = session.model_config->value("model_name", std::string());
    if (model.empty()) model = services.config.get_string_or("GOOSE_MODEL", "");
    if (model.empty()) model = entry->metadata.value("default_model", std::string());
    if (model.empty()) throw Error(ErrorKind::precondition, "No model configured for provider '" + name + "': set GOOSE_MODEL");
    return {entry, model};
}

void run_turn(AgentServices& services, const TurnRequest& request, const ToolSet& tools, const CancelToken& cancel,
              const EventEmitter& emit)
{
    TurnContext ctx{services, request.owner, request.session_id, {}, nullptr, {}, {}, 128000, tools, cancel, emit};
    ctx.deny_on_approval = request.deny_on_approval;
    ctx.client_runs_frontend_tools = request.client_runs_frontend_tools && !request.deny_on_approval;
    ctx.client_tools = request.client_tools;
    Json user_message;
    try {
        ctx.session = services.store.get_session(request.owner, request.session_id);
        auto [entry, model] = resolve_provider(services, ctx.session);
        ctx.provider = entry;
        ctx.model = model;
        ctx.mode = session_mode(services.config, ctx.session);
        ctx.context_limit = services.providers.context_limit(*entry, model);
        if (ctx.session.model_config && ctx.session.model_config->is_object()) {
            const Json& limit = ctx.session.model_config->value("context_limit", Json());
            if (limit.is_number_integer() && limit.get<std::int64_t>() > 0) ctx.context_limit = limit.get<std::int64_t>();
        }
        user_message = accept_user_message(request.user_message);
        if (request.override_conversation) {
            services.store.replace_conversation(request.owner, request.session_id, *request.override_conversation);
            ctx.replace_history(*request.override_conversation);
        } else {
            // Read once here; the turn keeps it in step with the store from now on. The stored
            // text is what the provider request sends for these messages.
            ctx.load_history();
        }
        std::optional<std::string> name;
        if (wants_automatic_name(ctx.session)) { // a new chat: its history is short, if any
            std::vector<Json> conversation = ctx.parsed_history();
            conversation.push_back(user_message);
            name = automatic_session_name(ctx.session, conversation);
        }
        ctx.persist({user_message}, std::nullopt, std::move(name));
    } catch (const std::exception& e) {
        ctx.emit_error(e.what());
        return;
    }

    try {
        // A builtin slash command acts on the conversation instead of asking the model.
        const auto command = slash_invocation(user_message);
        if (!command || !run_builtin_slash_command(ctx, *command)) {
            if (compaction_due(ctx)) {
                const auto pct = static_cast<int>(100.0 * static_cast<double>(ctx.session.tokens.total.value_or(0)) /
                                                  static_cast<double>(ctx.context_limit));
                compact_conversation(ctx, "Exceeded auto-compact threshold (" + std::to_string(pct) + "% of the context used).");
            }
            loop_with_retries(ctx);
        }
    } catch (const std::exception& e) {
        spdlog::error("turn in session {} failed: {}", request.session_id, e.what());
        ctx.emit_error(e.what());
    }
    try {
        ctx.barrier(); // everything the turn stored is on disk before Finish is sent
    } catch (const std::exception& e) {
        spdlog::error("turn in session {}: {}", request.session_id, e.what());
        ctx.emit_error(e.what());
    }
    ctx.emit(Json{{"type", "Finish"}, {"reason", "stop"}, {"token_state", token_state(ctx.session.tokens)}});
}

} // namespace gaggle
