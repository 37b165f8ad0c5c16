// scripted_provider SCENARIO.json [--port N]
// Serves the scenario on 127.0.0.1, prints "PORT=<n>" on stdout once listening, and runs until
// SIGINT/SIGTERM arrives or, when stdin is a pipe, until it closes. Requests it received: GET /_scripted/requests.
#include "scripted_provider/scripted_provider.hpp"

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
} // namespace

int main(int argc, char** argv)
{
    std::string scenario;
    unsigned port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = static_cast<unsigned>(std::stoul(argv[++i]));
        else scenario = argv[i];
    }
    try {
        auto server = scenario.empty() ? std::make_unique<gaggle::testing::ScriptedProvider>()
                                       : gaggle::testing::ScriptedProvider::from_file(scenario);
        std::cout << "PORT=" << server->start(static_cast<std::uint16_t>(port)) << std::endl;
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        // Run until stopped, or until the parent closes the pipe on our stdin (so a crashed test
        // leaves no orphan). A stdin that is not a pipe (/dev/null, a terminal) is not watched.
        struct stat st{};
        const bool watch_stdin = ::fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
        while (!g_stop) {
            pollfd p{STDIN_FILENO, POLLIN, 0};
            if (!watch_stdin) {
                ::poll(nullptr, 0, 100);
            } else if (::poll(&p, 1, 100) > 0) {
                char buf[256];
                if (::read(STDIN_FILENO, buf, sizeof buf) <= 0) break;
            }
        }
        server->stop();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "scripted_provider: " << e.what() << std::endl;
        return 1;
    }
}
