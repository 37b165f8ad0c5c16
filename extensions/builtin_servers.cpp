#include "builtin_servers.hpp"

#include "developer/developer_server.hpp"
#include "memory/memory_server.hpp"

#include <csignal>
#include <functional>
#include <map>
#include <thread>

#include <pthread.h>
#include <signal.h>

#include <unistd.h>

namespace gaggle::extensions {

namespace {
const std::map<std::string, std::function<std::unique_ptr<mcp_server::Server>()>>& registry()
{
    static const std::map<std::string, std::function<std::unique_ptr<mcp_server::Server>()>> servers = {
        {"developer", developer::make_developer_server},
        {"memory", memory::make_memory_server},
    };
    return servers;
}
} // namespace

std::vector<std::string> builtin_server_names()
{
    std::vector<std::string> names;
    for (const auto& [name, make] : registry()) names.push_back(name);
    return names;
}

std::optional<int> serve_builtin(const std::string& name)
{
    auto it = registry().find(name);
    if (it == registry().end()) return std::nullopt;
    // A client that closes its end mid-answer is a failed write, not a reason to die.
    std::signal(SIGPIPE, SIG_IGN);
    // A client may stop the server with a signal rather than by closing stdin (the MCP stdio
    // shutdown sequence ends with SIGTERM): cancel the calls first, so every command they started
    // dies with its process group instead of outliving us. The signals are taken by a thread of
    // our own (blocked here before any other thread exists, so every thread inherits the mask).
    sigset_t stop;
    sigemptyset(&stop);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop, sig);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    auto server = it->second();
    std::thread([stop, s = server.get()] {
        int sig = 0;
        sigwait(&stop, &sig);
        s->cancel_all();
        s->wait_idle(std::chrono::seconds(3));
        _exit(128 + sig);
    }).detach();
    return server->serve(STDIN_FILENO, STDOUT_FILENO);
}

} // namespace gaggle::extensions
