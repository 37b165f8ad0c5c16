// instances_bench: what several gaggle instances on one PostgreSQL database cost and give.
//
// Starts a private PostgreSQL server (fsync on, as in production) and, in turn, 1, 2 and 3
// `gaggle agent` processes on one fresh database, all pointed at the scripted OpenAI-format
// provider in this process. Clients (one session each) run turns through POST /reply, each turn
// on the next instance, so every turn reads history another instance wrote. Prints turns per
// second and the median turn, beside one SQLite instance under the same load in the same run.
// Then the event bus across instances: a listener on another instance against one on the turn's
// own, time from POST /sessions/{id}/reply to the Finish event. On 2 cores extra instances add
// processes, not cores; the figures show the overhead of sharing, not scaling. Never fails on time.
//
//   instances_bench [--clients C] [--turns T]
#include "bench_server.hpp"
#include "common/json.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include "../tests/support/pg_server.hpp"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using gaggle::Json;
using gaggle::bench::BenchServer;
using gaggle::bench::Clock;

namespace {

Json user_message(const std::string& text)
{
    return Json{{"role", "user"}, {"created", 1}, {"content", Json::array({Json{{"type", "text"}, {"text", text}}})},
                {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
}

std::string new_session(const BenchServer& s)
{
    std::string body;
    if (s.call("POST", "/agent/start", Json{{"working_dir", s.root().string()}}.dump(), &body) != 200)
        throw std::runtime_error("could not start a session: " + body);
    return Json::parse(body)["id"].get<std::string>();
}

struct Load {
    double seconds = 0;
    double median_ms = 0;
    int turns = 0, failures = 0;
};

// `clients` threads, each with its own session, run `turns` turns; turn k of client c goes to
// instance (c + k) % n.
Load run_load(const std::vector<std::unique_ptr<BenchServer>>& instances, int clients, int turns)
{
    std::vector<std::string> sessions;
    for (int c = 0; c < clients; ++c) sessions.push_back(new_session(*instances[c % instances.size()]));
    std::mutex mutex;
    std::vector<double> durations;
    std::atomic<int> failures{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            for (int k = 0; k < turns; ++k) {
                const BenchServer& s = *instances[(c + k) % instances.size()];
                const auto t = Clock::now();
                std::string body;
                const int status = s.call("POST", "/reply",
                                          Json{{"session_id", sessions[c]}, {"user_message", user_message("turn " + std::to_string(k))}}.dump(), &body);
                const double ms = gaggle::bench::ms_since(t);
                if (status != 200 || body.find("\"Finish\"") == std::string::npos) ++failures;
                std::lock_guard lock(mutex);
                durations.push_back(ms);
            }
        });
    for (auto& t : threads) t.join();
    return {gaggle::bench::ms_since(start) / 1000.0, gaggle::bench::median(durations), clients * turns, failures.load()};
}

void print_load(const char* what, const Load& l)
{
    std::printf("  %-34s %7.1f turns/s   median turn %6.2f ms   %d turns, %d failures\n", what, l.turns / l.seconds, l.median_ms, l.turns,
                l.failures);
}

// Milliseconds from POST /sessions/{id}/reply on `runner` to the Finish event on a listener of
// `listener` (connected first); -1 when it never came.
double finish_seen_after(const BenchServer& runner, const BenchServer& listener, const std::string& session, int n)
{
    std::atomic<bool> finished{false};
    Clock::time_point seen{};
    std::thread reader([&] {
        finished = listener.read_until_finish("/sessions/" + session + "/events", "");
        seen = Clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the listener is connected by now
    const auto posted = Clock::now();
    std::string body;
    runner.call("POST", "/sessions/" + session + "/reply",
                Json{{"request_id", "relay-" + std::to_string(n)}, {"user_message", user_message("relay")}}.dump(), &body);
    reader.join();
    return finished ? std::chrono::duration<double, std::milli>(seen - posted).count() : -1;
}

} // namespace

int main(int argc, char** argv)
{
    const int clients = static_cast<int>(gaggle::bench::int_option(argc, argv, "--clients", 8));
    const int turns = static_cast<int>(gaggle::bench::int_option(argc, argv, "--turns", 25));
    Json chunks = Json::array();
    for (int i = 0; i < 50; ++i) chunks.push_back({{"text", "tok" + std::to_string(i) + " "}});
    gaggle::testing::ScriptedProvider provider(Json::array({Json{{"format", "openai"}, {"chunks", chunks}, {"repeat", true},
                                                                 {"usage", {{"input_tokens", 20}, {"output_tokens", 50}}},
                                                                 {"match", {{"path", "/v1/chat/completions"}}}}}));
    provider.start();
    gaggle::test::PgServer database(true);

    std::printf("instances_bench: %d clients x %d turns of a 50-token reply, each turn on the next instance\n", clients, turns);
    {
        std::vector<std::unique_ptr<BenchServer>> one;
        one.push_back(std::make_unique<BenchServer>(provider.base_url()));
        print_load("SQLite, 1 instance (baseline)", run_load(one, clients, turns));
    }
    for (int n = 1; n <= 3; ++n) {
        const std::string url = database.create_database();
        std::vector<std::unique_ptr<BenchServer>> instances;
        for (int i = 0; i < n; ++i)
            instances.push_back(std::make_unique<BenchServer>(provider.base_url(), std::map<std::string, std::string>{{"GAGGLE_DATABASE_URL", url}}));
        const std::string what = "PostgreSQL, " + std::to_string(n) + " instance" + (n > 1 ? "s" : "");
        print_load(what.c_str(), run_load(instances, clients, turns));

        if (n == 2) {
            std::vector<double> same, other;
            for (int k = 0; k < 15; ++k) {
                same.push_back(finish_seen_after(*instances[0], *instances[0], new_session(*instances[0]), 2 * k));
                other.push_back(finish_seen_after(*instances[0], *instances[1], new_session(*instances[0]), 2 * k + 1));
            }
            std::printf("  event bus, POST to Finish seen: same instance %.2f ms, another instance %.2f ms (medians of 15; p90 %.2f, %.2f)\n",
                        gaggle::bench::median(same), gaggle::bench::median(other), gaggle::bench::quantile(same, 0.9),
                        gaggle::bench::quantile(other, 0.9));
        }
    }
    return 0;
}
