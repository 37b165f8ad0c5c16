#include "developer/shell_runner.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gaggle::developer {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// After the command exits, background children may still hold the pipe open; read what is already
// there, then stop rather than wait for them.
constexpr auto drain_after_exit = 200ms;
constexpr auto max_drain_after_exit = 2s; // a background child that keeps writing cannot hold the call
constexpr auto term_grace = 1s;

struct Pipe {
    int fds[2] = {-1, -1};
    ~Pipe()
    {
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    }
};

// Collects output: inline up to a bound, then in a temp file with the tail kept in memory.
class OutputCollector {
public:
    OutputCollector(std::size_t inline_limit, std::size_t tail_limit) : inline_limit_(inline_limit), tail_limit_(tail_limit) {}
    ~OutputCollector()
    {
        if (fd_ >= 0) ::close(fd_);
    }

    void add(std::string_view chunk, ShellOutcome& out)
    {
        out.total_bytes += chunk.size();
        out.total_lines += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
        if (fd_ < 0 && out.output.size() + chunk.size() <= inline_limit_) {
            out.output.append(chunk);
            return;
        }
        if (fd_ < 0 && !spill(out)) {
            keep_tail(chunk, out); // no temp file: keep at least the end
            return;
        }
        write_all(chunk);
        keep_tail(chunk, out);
    }

    void finish(ShellOutcome& out)
    {
        // A last line without a newline is still a line.
        if (out.total_bytes > 0 && last_char_ != '\n') ++out.total_lines;
    }

    void note_last(char c) { last_char_ = c; }

private:
    bool spill(ShellOutcome& out)
    {
        std::error_code ec;
        auto dir = std::filesystem::temp_directory_path(ec);
        if (ec) dir = "/tmp";
        std::string name = (dir / "gaggle-shell-XXXXXX.log").string();
        fd_ = ::mkstemps(name.data(), 4);
        if (fd_ < 0) return false;
        ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
        out.output_file = name;
        write_all(out.output);
        return true;
    }

    void write_all(std::string_view data)
    {
        while (!data.empty()) {
            ssize_t n = ::write(fd_, data.data(), data.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return; // disk full: the summary still says where the file is and how big the output was
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    void keep_tail(std::string_view chunk, ShellOutcome& out)
    {
        out.output.append(chunk);
        if (out.output.size() > tail_limit_) out.output.erase(0, out.output.size() - tail_limit_);
    }

    std::size_t inline_limit_, tail_limit_;
    int fd_ = -1;
    char last_char_ = '\n';
};

int exit_code_of(int status)
{
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// SIGTERM to the group, a grace period for the leader, then SIGKILL to whatever is left of the
// group (children that ignore SIGTERM, or that the leader left behind). Reaps the leader.
int kill_group(pid_t pid)
{
    ::kill(-pid, SIGTERM);
    int status = 0;
    const auto until = Clock::now() + term_grace;
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < until) std::this_thread::sleep_for(10ms);
    ::kill(-pid, SIGKILL);
    if (done == 0) ::waitpid(pid, &status, 0);
    return exit_code_of(status);
}

} // namespace

ShellOutcome run_shell(const ShellRequest& request, const ShellHooks& hooks)
{
    ShellOutcome out;
    Pipe pipe;
    if (::pipe2(pipe.fds, O_CLOEXEC) != 0) {
        out.spawn_error = std::string("pipe: ") + std::strerror(errno);
        return out;
    }

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe.fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe.fds[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, request.working_dir.c_str());
    // Own process group (pgid = pid), default signal dispositions (the server ignores SIGPIPE;
    // `yes | head` must not inherit that) and nothing blocked.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);

    const char* argv[] = {"bash", "-c", request.command.c_str(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, "bash", &actions, &attr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pipe.fds[1]);
    pipe.fds[1] = -1;
    if (rc != 0) {
        out.spawn_error = std::string("could not start bash in ") + request.working_dir.string() + ": " + std::strerror(rc);
        return out;
    }
    out.started = true;
    if (hooks.started) hooks.started(pid);

    OutputCollector collector(request.inline_limit, request.tail_limit);
    const auto deadline = Clock::now() + request.timeout;
    std::optional<Clock::time_point> exited_at, first_exit_seen;
    int status = 0;
    char buf[65536];
    bool eof = false;
    int eof_polls = 0;
    for (;;) {
        pollfd p{eof ? -1 : pipe.fds[0], POLLIN, 0}; // a negative fd is skipped: poll just waits
        // After EOF only the exit is awaited, normally microseconds away: look often at first, then
        // back off for a command that closed its output and runs on.
        const int ready = ::poll(&p, 1, eof && eof_polls++ < 20 ? 1 : 50);
        if (ready > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = ::read(pipe.fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) eof = true; // every writer is gone (the command may still run)
            else {
                const std::string_view chunk(buf, static_cast<std::size_t>(n));
                collector.add(chunk, out);
                collector.note_last(chunk.back());
                if (hooks.output) hooks.output(chunk);
                if (exited_at) exited_at = Clock::now(); // still flowing: keep draining
            }
        }
        if (!exited_at && ::waitpid(pid, &status, WNOHANG) == pid) exited_at = first_exit_seen = Clock::now();
        if (exited_at) {
            const auto now = Clock::now();
            if (eof || (ready == 0 && now - *exited_at > drain_after_exit) || now - *first_exit_seen > max_drain_after_exit) break;
            continue;
        }
        if (hooks.cancelled && hooks.cancelled()) {
            out.cancelled = true;
            out.exit_code = kill_group(pid);
            collector.finish(out);
            return out;
        }
        if (Clock::now() >= deadline) {
            out.timed_out = true;
            out.exit_code = kill_group(pid);
            collector.finish(out);
            return out;
        }
    }
    out.exit_code = exit_code_of(status);
    collector.finish(out);
    return out;
}

} // namespace gaggle::developer
