#pragma once
// Runs one shell command the way the developer `shell` tool needs: `bash -c` in a given directory,
// in a process group of its own (so a timeout or a cancel kills everything it spawned), stdin from
// /dev/null, stdout and stderr merged in order. Output is kept in memory up to a bound; past it,
// all of it goes to a temp file and only the tail stays in memory.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace gaggle::developer {

struct ShellRequest {
    std::string command;
    std::filesystem::path working_dir;
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    std::size_t inline_limit = 64 * 1024; // output beyond this goes to a file
    std::size_t tail_limit = 8 * 1024;    // how much of a large output's end stays in memory
};

struct ShellOutcome {
    bool started = false;
    std::string spawn_error;     // why it did not start
    int exit_code = -1;          // 128 + signal when killed by a signal
    bool timed_out = false;
    bool cancelled = false;
    std::string output;          // everything when it fit inline_limit, else the tail
    std::size_t total_bytes = 0;
    std::size_t total_lines = 0;
    std::optional<std::filesystem::path> output_file; // set when the output outgrew inline_limit
};

struct ShellHooks {
    std::function<bool()> cancelled;                    // polled while the command runs
    std::function<void(pid_t pgid)> started;            // the command's process group id
    std::function<void(std::string_view chunk)> output; // each piece of output as it arrives
};

// Blocks until the command and its output end, the timeout passes or hooks.cancelled() turns
// true; in the last two cases the whole process group is sent SIGTERM, then SIGKILL.
// Thread-safe: any number may run at once.
ShellOutcome run_shell(const ShellRequest& request, const ShellHooks& hooks);

} // namespace gaggle::developer
