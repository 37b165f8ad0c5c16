#include "agent/compaction.hpp"

#include "agent/messages.hpp"
#include "config/prompt_templates.hpp"

namespace gaggle {
namespace {

// One message as plain transcript lines (thinking dropped, tool calls as JSON).
std::string transcript_of(const Json& m)
{
    std::string out;
    const std::string role = m.value("role", std::string("user"));
    for (const auto& c : m["content"]) {
        const std::string type = c.value("type", std::string());
        if (type == "text") out += "[" + role + "]: " + c.value("text", std::string()) + "\n";
        else if (type == "toolRequest" && c["toolCall"].value("status", "") == "success")
            out += "tool_request(" + c["toolCall"]["value"].value("name", std::string()) + "): " +
                   c["toolCall"]["value"]["arguments"].dump() + "\n";
        else if (type == "toolResponse") {
            std::string text;
            if (c["toolResult"].contains("value") && c["toolResult"]["value"].contains("content"))
                for (const auto& item : c["toolResult"]["value"]["content"])
                    if (item.value("type", "") == "text") text += item.value("text", std::string());
            out += "tool_response: " + text + "\n";
        } else if (type == "image") {
            out += "[image: " + c.value("mimeType", std::string("image")) + "]\n";
        }
    }
    return out;
}

// The transcript cut into pieces of at most `budget` characters, at message boundaries where a
// message fits; a message longer than the budget fills the current piece and runs on.
std::vector<std::string> transcript_pieces(const std::vector<Json>& messages, std::size_t budget)
{
    std::vector<std::string> pieces(1);
    for (const auto& m : messages) {
        const std::string whole = transcript_of(m);
        std::string_view text = whole;
        if (text.size() <= budget && pieces.back().size() + text.size() > budget) pieces.emplace_back();
        while (pieces.back().size() + text.size() > budget) {
            const std::size_t room = budget - pieces.back().size();
            pieces.back() += text.substr(0, room);
            text.remove_prefix(room);
            pieces.emplace_back();
        }
        pieces.back() += text;
    }
    if (pieces.back().empty()) pieces.pop_back();
    return pieces;
}

// Characters of transcript per summarising call. About 4 characters make a token; half the
// model's context goes to the piece, leaving room for the summary so far, the instructions and
// the answer. Without a known limit, a size every current model takes.
std::size_t piece_budget(std::int64_t context_limit)
{
    constexpr std::size_t floor_chars = 8 * 1024;
    if (context_limit <= 0) return 64 * 1024;
    return std::max(floor_chars, static_cast<std::size_t>(context_limit) * 4 / 2);
}

} // namespace

void reset_context_tokens(TurnContext& ctx)
{
    SessionPatch patch;
    TokenCounters tokens = ctx.session.tokens;
    tokens.input = tokens.output = tokens.total = 0;
    patch.tokens = tokens;
    ctx.session = ctx.services.store.update_session(ctx.owner, ctx.session_id, patch);
}

bool compaction_due(const TurnContext& ctx)
{
    double threshold = 0.8;
    if (auto t = ctx.services.config.get("GOOSE_AUTO_COMPACT_THRESHOLD"); t && t->is_number()) threshold = t->get<double>();
    if (threshold <= 0.0 || threshold >= 1.0 || ctx.context_limit <= 0) return false;
    const auto used = ctx.session.tokens.total.value_or(0);
    return static_cast<double>(used) >= threshold * static_cast<double>(ctx.context_limit);
}

bool compact_conversation(TurnContext& ctx, const std::string& reason)
{
    ctx.emit_notification("inlineMessage", reason);
    ctx.emit_notification("thinkingMessage", "goose is compacting the conversation...");
    const std::vector<Json>& all = ctx.parsed_history();
    std::vector<Json> visible;
    const Json* last_user_text = nullptr;
    for (const auto& m : all)
        if (agent_visible(m)) {
            visible.push_back(m);
            if (m.value("role", "") == "user" && !message_text(m).empty()) last_user_text = &m;
        }
    if (visible.empty()) return false;

    // Summarised in pieces that each fit the model, the summary so far carried into the next
    // call: a transcript that overflowed the context cannot be summarised in one request.
    const auto pieces = transcript_pieces(visible, piece_budget(ctx.context_limit));
    const std::string instructions = PromptTemplates(ctx.services.config.paths()).current("compaction.md");
    std::string summary;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        std::string prompt = pieces[i];
        if (!summary.empty())
            prompt = "Summary of the conversation so far:\n" + summary + "\n\nThe conversation continues (part " + std::to_string(i + 1) +
                     " of " + std::to_string(pieces.size()) + "); fold it into one summary:\n" + pieces[i];
        Json request{{"model", ctx.model},
                     {"system", instructions},
                     {"messages", Json::array({make_message("user", Json::array({text_content(prompt)}))})},
                     {"tools", Json::array()},
                     {"settings", Json::object()}};
        std::string part;
        const ProviderOutcome outcome = ctx.services.providers.stream(
            *ctx.provider, request,
            [&](const Json& e) {
                if (e.value("type", "") == "text") part += e.value("text", std::string());
            },
            ctx.cancel);
        if (outcome.status != GAGGLE_OK || part.empty()) {
            ctx.emit_notification("inlineMessage", "Compaction failed: " + provider_error_class(outcome.status) + " " + outcome.message);
            return false;
        }
        summary = std::move(part);
    }

    // The old messages stay stored (the desktop still shows them) but leave the agent's view;
    // only the summary is written, so neither the history nor its search index is rewritten.
    std::vector<Json> added;
    added.push_back(make_message("user", Json::array({text_content("Summary of the conversation so far:\n" + summary)}), false, true));
    added.push_back(make_message(
        "assistant",
        Json::array({text_content("The conversation was compacted into the summary above. I will continue from it naturally.")}),
        false, true));
    if (last_user_text) added.push_back(make_message("user", Json::array({text_content(message_text(*last_user_text))}), false, true));
    ctx.services.store.hide_from_agent_and_append(ctx.owner, ctx.session_id, added);
    std::vector<Json> rewritten;
    rewritten.reserve(all.size() + added.size());
    for (auto m : all) {
        m["metadata"]["agentVisible"] = false;
        rewritten.push_back(std::move(m));
    }
    for (auto& m : added) rewritten.push_back(std::move(m));
    ctx.replace_history(rewritten);
    reset_context_tokens(ctx);
    ctx.emit(Json{{"type", "UpdateConversation"}, {"conversation", rewritten}});
    ctx.emit_notification("inlineMessage", "Compaction complete");
    return true;
}

} // namespace gaggle
