// soak_bench: does the server's memory stay flat over many sessions?
//
// Runs N sessions x 1 turn against the real gaggle binary and the scripted OpenAI-format provider
// (in this process): even sessions through POST /reply, odd ones through the event bus
// (POST /sessions/{id}/reply, then GET /sessions/{id}/events read to its Finish). Prints the
// server's resident memory after the first 100 sessions (the baseline) and at the end, with the
// in-memory buses and agents given a short idle time (GAGGLE_BUS_IDLE_SECONDS,
// GAGGLE_AGENT_IDLE_SECONDS) so eviction is part of what is measured. Never fails on memory.
//
//   soak_bench [--sessions N] [--idle-seconds S]
#include "bench_server.hpp"
#include "common/json.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using gaggle::Json;
using nlohmann::json;

namespace {

using gaggle::bench::BenchServer;

Json user_message(int i)
{
    return Json{{"role", "user"}, {"created", 1}, {"content", Json::array({Json{{"type", "text"}, {"text", "soak " + std::to_string(i)}}})},
                {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
}

} // namespace

int main(int argc, char** argv)
{
    const int sessions = static_cast<int>(gaggle::bench::int_option(argc, argv, "--sessions", 10000));
    const int idle_seconds = static_cast<int>(gaggle::bench::int_option(argc, argv, "--idle-seconds", 2));
    json chunks = json::array();
    for (int i = 0; i < 20; ++i) chunks.push_back({{"text", "tok" + std::to_string(i) + " "}});
    json reply{{"format", "openai"}, {"chunks", chunks}, {"usage", {{"input_tokens", 20}, {"output_tokens", 20}}}, {"repeat", true},
               {"match", {{"path", "/v1/chat/completions"}}}};
    gaggle::testing::ScriptedProvider provider(json::array({reply}));
    provider.start();
    const std::string idle = std::to_string(idle_seconds);
    BenchServer server(provider.base_url(), {{"GAGGLE_BUS_IDLE_SECONDS", idle}, {"GAGGLE_AGENT_IDLE_SECONDS", idle}});
    const std::string dir = server.root().string();

    long rss_100 = 0;
    int failures = 0;
    const auto start = gaggle::bench::Clock::now();
    for (int i = 0; i < sessions; ++i) {
        std::string body;
        if (server.call("POST", "/agent/start", Json{{"working_dir", dir}}.dump(), &body) != 200) {
            ++failures;
            continue;
        }
        const std::string id = Json::parse(body)["id"].get<std::string>();
        if (i % 2 == 0) {
            const int status = server.call("POST", "/reply", Json{{"session_id", id}, {"user_message", user_message(i)}}.dump(), &body);
            if (status != 200 || body.find("\"Finish\"") == std::string::npos) ++failures;
        } else {
            const int status = server.call("POST", "/sessions/" + id + "/reply",
                                           Json{{"request_id", "soak-" + std::to_string(i)}, {"user_message", user_message(i)}}.dump(), &body);
            if (status != 200 || !server.read_until_finish("/sessions/" + id + "/events", "0")) ++failures;
        }
        if (i + 1 == 100) rss_100 = server.rss_kb();
    }
    const double seconds = gaggle::bench::ms_since(start) / 1000.0;
    // Let the idle buses and agents age past their idle time, then touch the server once so a
    // sweep runs (sweeps happen on use, not on a timer).
    std::this_thread::sleep_for(std::chrono::seconds(idle_seconds + 1));
    std::string body;
    server.call("POST", "/agent/start", Json{{"working_dir", dir}}.dump(), &body);
    const std::string last = Json::parse(body)["id"].get<std::string>();
    server.call("POST", "/sessions/" + last + "/reply", Json{{"request_id", "last"}, {"user_message", user_message(0)}}.dump(), &body);
    server.read_until_finish("/sessions/" + last + "/events", "0");
    const long rss_end = server.rss_kb();

    std::printf("soak_bench: %d sessions x 1 turn (half /reply, half event bus), idle eviction after %d s\n", sessions, idle_seconds);
    std::printf("  wall time                      %.1f s (%.2f ms per session), %d failures\n", seconds, seconds * 1000.0 / sessions,
                failures);
    std::printf("  server RSS after 100 sessions  %ld KiB (baseline)\n", rss_100);
    std::printf("  server RSS at the end          %ld KiB (%+.1f MiB against the baseline; target within 20 MiB)\n", rss_end,
                static_cast<double>(rss_end - rss_100) / 1024.0);
    return 0;
}
