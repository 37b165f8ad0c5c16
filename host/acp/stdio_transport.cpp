#include "acp/stdio_transport.hpp"

#include "acp/connection.hpp"
#include "app/application.hpp"
#include "config/environment.hpp"
#include "http/auth.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <mutex>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace gaggle::acp {
namespace {

// A line longer than this is refused and skipped, so a client cannot grow our memory without
// bound; the same ceiling as a /reply body.
constexpr std::size_t max_line_bytes = 50 * 1024 * 1024;

class FdOutbox final : public Outbox {
public:
    explicit FdOutbox(int fd) : fd_(fd) {}
    void send(const Json& message) override
    {
        std::string line = message.dump(-1, ' ', false, Json::error_handler_t::replace);
        line += '\n';
        std::lock_guard lock(mutex_); // whole lines: updates from turn threads never interleave
        if (broken_) return;
        for (std::size_t done = 0; done < line.size();) {
            const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                broken_ = true; // the client is gone; stdin's end will follow
                return;
            }
            done += static_cast<std::size_t>(n);
        }
    }

private:
    int fd_;
    std::mutex mutex_;
    bool broken_ = false;
};

// Reads stdin and hands each complete line to `connection` until end of file.
void read_lines(Connection& connection, Outbox& out)
{
    std::string pending;
    bool skipping = false; // inside a line that was too long, until its newline
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::size_t start = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
            if (buffer[i] != '\n') continue;
            if (!skipping) {
                pending.append(buffer + start, i - start);
                connection.receive(pending);
            }
            pending.clear();
            skipping = false;
            start = i + 1;
        }
        if (!skipping) pending.append(buffer + start, static_cast<std::size_t>(n) - start);
        if (pending.size() > max_line_bytes) {
            out.send(make_error(nullptr, rpc_code::invalid_request, "Invalid request: a message longer than 50 MiB was skipped"));
            pending.clear();
            skipping = true;
        }
    }
    if (!skipping && !pending.empty()) connection.receive(pending); // a last line without its newline
}

} // namespace

int run_stdio(const CommandLineOverrides& flags)
{
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up is a failed write, not a dead agent
    // JSON-RPC gets a private copy of stdout; fd 1 itself now points at stderr, so a stray print
    // (ours, a library's, a plugin's) can never corrupt the protocol stream.
    const int rpc_fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (rpc_fd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        std::perror("gaggle acp: cannot set up stdout");
        return 1;
    }
    FdOutbox out(rpc_fd);
    Application app(process_environment(), flags, AppRole::agent_core);
    // The local user who spawned us is the desktop's user: their sessions are the REST API's.
    Connection connection(app.context(), out, default_user_id);
    spdlog::info("gaggle {} serving ACP on stdio", GAGGLE_VERSION);
    read_lines(connection, out);
    connection.close();
    app.stop();
    ::close(rpc_fd);
    return 0;
}

} // namespace gaggle::acp
