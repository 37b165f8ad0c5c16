#pragma once
// One MCP server process and the pipes to it.
//
// The host forks a small guard process that leads a new process group; the guard forks the
// server into that group. The guard holds the read end of a "lifeline" pipe whose write end only
// the host holds: when the host dies for any reason (even SIGKILL), the lifeline reads EOF and
// the guard ends the whole group, TERM then KILL. So no server outlives the host, and a server's
// own children go with it. (PR_SET_PDEATHSIG alone would not do: it fires when the forking
// *thread* ends, and it reaches only the direct child.)
#include "launch_spec.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <sys/types.h>

namespace gaggle::stdio {

class ChildProcess {
public:
    struct Callbacks {
        std::function<void(std::string_view line)> on_line;      // one stdout line (a frame)
        std::function<void(const std::string& reason)> on_exit;   // exited by itself
    };

    // Starts the server; throws sdk::Error when it cannot be created.
    ChildProcess(const LaunchSpec& spec, Callbacks callbacks);
    // Closes stdin, TERMs the group, KILLs it after a grace period, reaps it. No callback after.
    ~ChildProcess();

    // Writes one line (frame + '\n'); throws sdk::Error(UNAVAILABLE) when the server is gone.
    void write_line(std::string_view frame);
    pid_t process_group() const noexcept { return pgid_; }

private:
    void read_loop();
    void keep_stderr(std::string_view text);
    std::string exit_reason(int status);

    Callbacks callbacks_;
    pid_t guard_ = -1, pgid_ = -1;
    int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1, lifeline_fd_ = -1;
    std::mutex write_mutex_;

    std::mutex mutex_;
    std::condition_variable cv_;
    bool closing_ = false;
    bool exited_ = false;
    std::deque<std::string> stderr_tail_;
    std::string stderr_partial_;
    std::thread reader_;
};

} // namespace gaggle::stdio
