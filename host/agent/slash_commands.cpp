#include "agent/slash_commands.hpp"

#include "agent/compaction.hpp"
#include "agent/messages.hpp"

#include <algorithm>
#include <cctype>

namespace gaggle {
namespace {

std::string trim(std::string s)
{
    auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
    s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
    return s;
}

void clear_conversation(TurnContext& ctx)
{
    ctx.services.store.replace_conversation(ctx.owner, ctx.session_id, {});
    ctx.replace_history({});
    reset_context_tokens(ctx);
    ctx.emit(Json{{"type", "UpdateConversation"}, {"conversation", Json::array()}});
    ctx.emit_notification("inlineMessage", "Conversation cleared");
}

} // namespace

std::optional<SlashInvocation> slash_invocation(const Json& user_message)
{
    const Json& content = user_message.value("content", Json::array());
    if (!content.is_array() || content.size() != 1 || !content[0].is_object() || content[0].value("type", "") != "text") return std::nullopt;
    const std::string text = trim(content[0].value("text", std::string()));
    if (text.size() < 2 || text[0] != '/') return std::nullopt;
    const size_t end = text.find_first_of(" \t\r\n");
    SlashInvocation out{text.substr(1, end == std::string::npos ? std::string::npos : end - 1),
                        end == std::string::npos ? std::string() : trim(text.substr(end))};
    for (auto& c : out.command) {
        const auto u = static_cast<unsigned char>(c);
        if (!std::isalnum(u) && c != '-' && c != '_') return std::nullopt; // "/usr/bin is..." is a message
        c = static_cast<char>(std::tolower(u));
    }
    return out;
}

const std::vector<BuiltinSlashCommand>& builtin_slash_commands()
{
    static const std::vector<BuiltinSlashCommand> all{
        {"compact", "Summarise the conversation so far to free context; the messages stay visible to you"},
        {"summarize", "The same as /compact"},
        {"clear", "Clear the conversation and its token counts"},
    };
    return all;
}

bool is_builtin_slash_command(const std::string& command)
{
    const auto& all = builtin_slash_commands();
    return std::any_of(all.begin(), all.end(), [&](const BuiltinSlashCommand& b) { return command == b.command; });
}

bool run_builtin_slash_command(TurnContext& ctx, const SlashInvocation& invocation)
{
    if (invocation.command == "compact" || invocation.command == "summarize") {
        compact_conversation(ctx, "Compaction requested");
        return true;
    }
    if (invocation.command == "clear") {
        clear_conversation(ctx);
        return true;
    }
    return false;
}

} // namespace gaggle
