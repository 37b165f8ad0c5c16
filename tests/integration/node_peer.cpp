#include "node_peer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gaggle::test {
namespace {

bool accepts_connections(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

bool reaped(pid_t pid, std::chrono::milliseconds within)
{
    const auto until = std::chrono::steady_clock::now() + within;
    do {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || r < 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

} // namespace

std::string peer_script(const std::string& relative)
{
    const std::string path = GAGGLE_TEST_PEERS_DIR "/node_modules/" + relative;
    REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing: run scripts/setup --test-peers");
    return path;
}

NodePeer::NodePeer(const std::string& script, std::vector<std::string> args, std::map<std::string, std::string> env)
{
    port_ = free_port();
    log_ = (std::filesystem::temp_directory_path() / ("gaggle-node-peer-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(port_) + ".log")).string();
    const std::string preload = GAGGLE_TEST_PEERS_DIR "/../support/node/listen_loopback.cjs";
    std::vector<std::string> argv{"node", "-r", preload, script};
    argv.insert(argv.end(), args.begin(), args.end());
    env["PORT"] = std::to_string(port_);

    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setpgid(0, 0);
        const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        for (auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> raw;
        for (auto& a : argv) raw.push_back(a.data());
        raw.push_back(nullptr);
        ::execvp("node", raw.data());
        _exit(127);
    }
    ::setpgid(pid_, pid_);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts_connections(port_)) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            FAIL("the npm peer " << script << " exited before listening: " << output());
        }
        if (std::chrono::steady_clock::now() > until) {
            ::kill(-pid_, SIGKILL);
            reaped(pid_, std::chrono::seconds(3));
            pid_ = -1;
            FAIL("the npm peer " << script << " never listened: " << output());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

NodePeer::~NodePeer()
{
    if (pid_ > 0) {
        ::kill(-pid_, SIGTERM);
        if (!reaped(pid_, std::chrono::seconds(3))) {
            ::kill(-pid_, SIGKILL);
            reaped(pid_, std::chrono::seconds(3));
        }
    }
    std::error_code ec;
    std::filesystem::remove(log_, ec);
}

std::string NodePeer::output() const
{
    std::ifstream in(log_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace gaggle::test
