#pragma once
// What a chat box offers after "/": the builtins the agent executes (agent/slash_commands.cpp),
// then the library recipes bound to a command whose file still reads. GET /config/slash_commands
// and ACP's available_commands_update both show this list.
#include <string>
#include <vector>

namespace gaggle {

class Config;
class KvStore;

struct OfferedSlashCommand {
    std::string command; // without the "/"
    std::string help;
    bool builtin = true; // false: a recipe bound to the command
};

std::vector<OfferedSlashCommand> offered_slash_commands(const Config& config, KvStore& kv);

} // namespace gaggle
