#pragma once
// Slash commands typed in the chat box, as upstream: a user message whose only content is one
// text starting with "/" names a command. The builtins (/compact, /summarize, /clear) act on the
// conversation instead of asking the model; a recipe bound to a command (/recipes/slash-command)
// turns "/name args" into that recipe's prompt (api/turn_input.cpp).
#include "agent/turn_context.hpp"
#include "common/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct SlashInvocation {
    std::string command; // lower case, without the "/"
    std::string args;    // the rest of the line, trimmed
};

struct BuiltinSlashCommand {
    const char* command;
    const char* help;
};

// The command a user message invokes; nullopt for an ordinary message.
std::optional<SlashInvocation> slash_invocation(const Json& user_message);

// The builtins this host executes, in display order.
const std::vector<BuiltinSlashCommand>& builtin_slash_commands();
bool is_builtin_slash_command(const std::string& command);

// Runs a builtin on the turn's conversation (the invoking message is already stored) and emits
// what the client sees. Returns false when `invocation` is not a builtin.
bool run_builtin_slash_command(TurnContext& ctx, const SlashInvocation& invocation);

} // namespace gaggle
