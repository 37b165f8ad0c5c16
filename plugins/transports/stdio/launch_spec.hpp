#pragma once
// What to run for one stdio extension, worked out before any process is created: the program
// resolved on PATH, its arguments, its environment and its working folder. Checks the config
// (cmd, args, envs) and refuses environment names that would change which code runs.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaggle::stdio {

struct LaunchSpec {
    std::string program;                  // absolute path of the executable
    std::vector<std::string> argv;        // argv[0] is the command as configured
    std::vector<std::string> env;         // NAME=value entries
    std::string working_dir;              // empty: the host's
};

// Throws gaggle::sdk::Error (INVALID_ARGUMENT, NOT_FOUND) with a message naming the problem.
// `extra_env` is the host-resolved environment (ABI 1.1); empty means "take `envs` from config".
LaunchSpec make_launch_spec(std::string_view config_json, std::string_view working_dir,
                            const std::vector<std::pair<std::string_view, std::string_view>>& extra_env,
                            bool have_context);

bool dangerous_env_name(const std::string& name);

} // namespace gaggle::stdio
