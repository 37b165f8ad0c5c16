// Builtin MCP servers: how fast `gaggle mcp developer` is ready (spawn until the initialize answer)
// and how much memory it holds, beside the npm @modelcontextprotocol/server-filesystem (a peer
// doing the file half of the same job) in the same run; and what a `shell` call adds over running
// the same command directly with posix_spawn.
#include "../tests/support/jsonrpc_lines.hpp"
#include "bench_support.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using gaggle::bench::Clock;
using gaggle::bench::median;
using gaggle::bench::ms_since;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path peers = fs::path(GAGGLE_BENCH_PEERS_DIR) / "node_modules";

struct Child {
    pid_t pid = -1;
    int in = -1, out = -1;
    gaggle::test::JsonRpcLines rpc;

    explicit Child(std::vector<std::string> argv)
    {
        int a[2], b[2];
        if (::pipe2(a, O_CLOEXEC) != 0 || ::pipe2(b, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, a[0], 0);
        posix_spawn_file_actions_adddup2(&fa, b[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        std::vector<char*> args;
        for (auto& s : argv) args.push_back(s.data());
        args.push_back(nullptr);
        if (::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) throw std::runtime_error("spawn " + argv[0]);
        posix_spawn_file_actions_destroy(&fa);
        ::close(a[0]);
        ::close(b[1]);
        in = a[1];
        out = b[0];
        rpc = gaggle::test::JsonRpcLines(in, out);
    }
    ~Child()
    {
        ::close(in);
        int status;
        for (int i = 0; i < 200 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) ::usleep(10000);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ::close(out);
    }
    bool initialize()
    {
        rpc.request(0, "initialize", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}, {"clientInfo", {{"name", "bench"}, {"version", "1"}}}});
        auto r = rpc.response(0);
        rpc.notify("notifications/initialized");
        return r && r->contains("result");
    }
    long rss_kib() const
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
        return -1;
    }
};

struct ReadyFigures {
    double ready_ms = 0;
    long rss_kib = 0;
};

ReadyFigures measure_ready(const std::vector<std::string>& argv, int runs)
{
    std::vector<double> times, rss;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        Child c(argv);
        if (!c.initialize()) throw std::runtime_error("no initialize answer from " + argv[0]);
        times.push_back(ms_since(t0));
        c.rpc.request(1, "tools/list");
        c.rpc.response(1);
        rss.push_back(static_cast<double>(c.rss_kib()));
    }
    return {median(times), static_cast<long>(median(rss))};
}

double direct_spawn_ms(const std::string& command, const fs::path& dir)
{
    const auto t0 = Clock::now();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    std::string bash = "bash", c = "-c", cmd = command;
    char* argv[] = {bash.data(), c.data(), cmd.data(), nullptr};
    pid_t pid;
    if (::posix_spawnp(&pid, "bash", &fa, nullptr, argv, environ) != 0) throw std::runtime_error("spawn bash");
    posix_spawn_file_actions_destroy(&fa);
    int status;
    ::waitpid(pid, &status, 0);
    return ms_since(t0);
}

} // namespace

int main()
{
    const int runs = 10;
    const fs::path dir = fs::temp_directory_path();
    std::printf("spawn-to-ready (initialize answered) and RSS after tools/list, median of %d runs\n", runs);
    auto ours = measure_ready({GAGGLE_BINARY, "mcp", "developer"}, runs);
    std::printf("  gaggle mcp developer                      %7.1f ms  %7ld KiB\n", ours.ready_ms, ours.rss_kib);
    const auto fs_server = peers / "@modelcontextprotocol/server-filesystem/dist/index.js";
    if (fs::exists(fs_server) && std::system("node --version >/dev/null 2>&1") == 0) {
        auto peer = measure_ready({"node", fs_server.string(), dir.string()}, runs);
        std::printf("  npm server-filesystem (node)              %7.1f ms  %7ld KiB\n", peer.ready_ms, peer.rss_kib);
    } else {
        std::printf("  npm server-filesystem: not installed (scripts/setup runs npm ci --prefix tests/peers); no baseline this run\n");
    }

    const int calls = 30;
    std::printf("\nshell call latency, median of %d, both in this working dir\n", calls);
    Child dev({GAGGLE_BINARY, "mcp", "developer"});
    dev.initialize();
    for (const std::string command : {"true", "echo hello"}) {
        std::vector<double> via_mcp, direct;
        for (int i = 0; i < calls; ++i) {
            const auto t0 = Clock::now();
            dev.rpc.request(100 + i, "tools/call", {{"name", "shell"}, {"arguments", {{"command", command}}}});
            if (!dev.rpc.response(100 + i)) throw std::runtime_error("no answer to a shell call");
            via_mcp.push_back(ms_since(t0));
            direct.push_back(direct_spawn_ms(command, fs::current_path()));
        }
        dev.rpc.seen.clear();
        std::printf("  %-12s via MCP shell %6.2f ms   direct posix_spawn %6.2f ms   added %6.2f ms\n", command.c_str(), median(via_mcp),
                    median(direct), median(via_mcp) - median(direct));
    }
    return 0;
}
