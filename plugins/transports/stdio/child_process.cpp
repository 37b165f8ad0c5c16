#include "child_process.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gaggle::stdio {
namespace {

constexpr size_t stderr_lines_kept = 20;
constexpr size_t stderr_line_max = 400;
constexpr auto term_grace = std::chrono::seconds(2);

void close_fd(int& fd)
{
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Async-signal-safe write of a fixed message (between fork and exec nothing else is allowed).
void say(const char* text)
{
    ssize_t ignored = ::write(2, text, std::strlen(text));
    (void)ignored;
}

// The guard: runs in the forked child, never returns. Only async-signal-safe calls.
[[noreturn]] void run_guard(const char* program, char* const* argv, char* const* envp, const char* cwd, int in_fd,
                            int out_fd, int err_fd, int life_fd)
{
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr); // the host blocks SIGTERM in its threads
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::dup2(life_fd, 3);
    ::syscall(SYS_close_range, 4u, ~0u, 0u); // nothing else of the host's reaches the server

    const pid_t server = ::fork();
    if (server < 0) {
        say("gaggle: cannot fork the server process\n");
        ::_exit(126);
    }
    if (server == 0) {
        ::close(3);
        if (cwd && cwd[0] && ::chdir(cwd) != 0) {
            say("gaggle: cannot enter the working folder\n");
            ::_exit(126);
        }
        ::execve(program, argv, envp);
        say("gaggle: cannot execute the command\n");
        ::_exit(127);
    }
    ::signal(SIGTERM, SIG_IGN); // the group's TERM is for the server; the guard cleans up after it
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    ::close(0);
    ::close(1);
    ::close(2);
    for (;;) {
        int status = 0;
        if (::waitpid(server, &status, WNOHANG) == server) {
            ::kill(0, SIGTERM); // anything the server left behind in the group
            if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
            ::_exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
        }
        struct pollfd p = {3, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            // The host is gone: end the group, politely first.
            ::kill(0, SIGTERM);
            for (int i = 0; i < 20; ++i) {
                if (::waitpid(server, &status, WNOHANG) == server) break;
                struct timespec ts = {0, 100 * 1000 * 1000};
                ::nanosleep(&ts, nullptr);
            }
            ::kill(0, SIGKILL); // the guard too
            ::_exit(137);
        }
    }
}

} // namespace

ChildProcess::ChildProcess(const LaunchSpec& spec, Callbacks callbacks) : callbacks_(std::move(callbacks))
{
    // Everything the forked side needs is prepared here: it may not allocate.
    std::vector<char*> argv, envp;
    for (auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    int in[2], out[2], err[2], life[2];
    if (::pipe2(in, O_CLOEXEC) != 0) throw sdk::Error(GAGGLE_ERR_INTERNAL, "pipe failed");
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]), ::close(in[1]);
        throw sdk::Error(GAGGLE_ERR_INTERNAL, "pipe failed");
    }
    if (::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(life, O_CLOEXEC) != 0) {
        for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
        throw sdk::Error(GAGGLE_ERR_INTERNAL, "pipe failed");
    }
    const pid_t guard = ::fork();
    if (guard < 0) {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1], life[0], life[1]}) ::close(fd);
        throw sdk::Error(GAGGLE_ERR_INTERNAL, std::string("fork failed: ") + std::strerror(errno));
    }
    if (guard == 0) run_guard(spec.program.c_str(), argv.data(), envp.data(), spec.working_dir.c_str(), in[0], out[1], err[1], life[0]);

    ::setpgid(guard, guard); // also done by the guard; whichever runs first wins the race
    guard_ = pgid_ = guard;
    ::close(in[0]), ::close(out[1]), ::close(err[1]), ::close(life[0]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
    lifeline_fd_ = life[1];
    reader_ = std::thread([this] { read_loop(); });
}

ChildProcess::~ChildProcess()
{
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    {
        std::lock_guard lock(write_mutex_);
        close_fd(stdin_fd_); // a well-behaved server exits at EOF
    }
    ::kill(-pgid_, SIGTERM);
    {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, term_grace, [this] { return exited_; })) {
            lock.unlock();
            ::kill(-pgid_, SIGKILL);
        }
    }
    reader_.join();
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
    close_fd(lifeline_fd_);
}

void ChildProcess::write_line(std::string_view frame)
{
    std::string line(frame);
    line += '\n';
    std::lock_guard lock(write_mutex_);
    size_t done = 0;
    while (done < line.size()) {
        if (stdin_fd_ < 0) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, "the server's input is closed");
        const ssize_t n = ::write(stdin_fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, std::string("the server is not reading: ") + std::strerror(errno));
        done += static_cast<size_t>(n);
    }
}

void ChildProcess::keep_stderr(std::string_view text)
{
    std::lock_guard lock(mutex_);
    stderr_partial_.append(text);
    size_t nl;
    while ((nl = stderr_partial_.find('\n')) != std::string::npos) {
        std::string line = stderr_partial_.substr(0, nl);
        stderr_partial_.erase(0, nl + 1);
        if (line.size() > stderr_line_max) line = line.substr(0, stderr_line_max) + "...";
        if (line.empty()) continue;
        stderr_tail_.push_back(std::move(line));
        if (stderr_tail_.size() > stderr_lines_kept) stderr_tail_.pop_front();
    }
    if (stderr_partial_.size() > 64 * 1024) stderr_partial_.erase(0, stderr_partial_.size() - stderr_line_max);
}

std::string ChildProcess::exit_reason(int status)
{
    std::string reason;
    if (WIFEXITED(status)) reason = "the server process exited with status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) reason = "the server process was killed by signal " + std::to_string(WTERMSIG(status));
    else reason = "the server process ended";
    // The guard reports a server killed by a signal as 128+n.
    if (WIFEXITED(status) && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 160)
        reason = "the server process was killed by signal " + std::to_string(WEXITSTATUS(status) - 128);
    std::lock_guard lock(mutex_);
    if (!stderr_partial_.empty()) stderr_tail_.push_back(stderr_partial_.substr(0, stderr_line_max));
    if (!stderr_tail_.empty()) {
        reason += "; its last stderr lines:";
        for (auto& l : stderr_tail_) reason += "\n" + l;
    }
    return reason;
}

void ChildProcess::read_loop()
{
    std::string pending;
    char buf[65536];
    bool out_open = true, err_open = true;
    for (;;) {
        // Stop reading once the guard has exited and the pipes are drained.
        siginfo_t info{};
        const bool guard_gone = ::waitid(P_PID, static_cast<id_t>(guard_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == guard_;
        struct pollfd fds[2] = {{out_open ? stdout_fd_ : -1, POLLIN, 0}, {err_open ? stderr_fd_ : -1, POLLIN, 0}};
        const int ready = ::poll(fds, 2, guard_gone ? 0 : 100);
        if (ready < 0 && errno != EINTR) break;
        bool got = false;
        if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
            if (n <= 0) out_open = false;
            else {
                got = true;
                pending.append(buf, static_cast<size_t>(n));
                size_t start = 0, nl;
                while ((nl = pending.find('\n', start)) != std::string::npos) {
                    std::string_view line(pending.data() + start, nl - start);
                    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                    if (!line.empty()) callbacks_.on_line(line);
                    start = nl + 1;
                }
                pending.erase(0, start);
            }
        }
        if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t n = ::read(stderr_fd_, buf, sizeof buf);
            if (n <= 0) err_open = false;
            else {
                got = true;
                keep_stderr(std::string_view(buf, static_cast<size_t>(n)));
            }
        }
        if ((!out_open && !err_open) || (guard_gone && !got)) break;
    }
    // Let the guard report the server's own exit status (it exits right after the server), then
    // end whatever the server left in its group while the guard's zombie still holds the id.
    for (int i = 0; i < 40; ++i) {
        siginfo_t done{};
        if (::waitid(P_PID, static_cast<id_t>(guard_), &done, WEXITED | WNOHANG | WNOWAIT) == 0 && done.si_pid == guard_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-pgid_, SIGKILL);
    int status = 0;
    while (::waitpid(guard_, &status, 0) < 0 && errno == EINTR) {
    }
    const std::string reason = exit_reason(status);
    bool report = false;
    {
        std::lock_guard lock(mutex_);
        exited_ = true;
        report = !closing_;
    }
    cv_.notify_all();
    if (report) callbacks_.on_exit(reason);
}

} // namespace gaggle::stdio
