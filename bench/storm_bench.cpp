// storm_bench: 10,000 malformed requests (every route of /openapi.json, every kind of bad input,
// 20 MB bodies among them) from 16 threads against `gaggle agent`.
//
// Prints: server crashes, answers >= 500, 4xx answers without a {"message"} body, requests with
// no answer at all, and the server's resident set idle, at its peak and after the storm (the
// baseline: the idle resident set of the same process before the first request).
//
//   storm_bench [--requests N] [--threads N] [--huge-every N]
#include "bench_support.hpp"
#include "common/json.hpp"
#include "storm/request_storm.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int free_port()
{
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

int call(int port, const std::string& method, const std::string& path, const std::string& body, std::string* out = nullptr)
{
    try {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", "storm");
        req.setContentType("application/json");
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::stringstream ss;
        ss << s.receiveResponse(res).rdbuf();
        if (out) *out = ss.str();
        return static_cast<int>(res.getStatus());
    } catch (const std::exception&) {
        return 0;
    }
}

bool alive(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == 0; }

} // namespace

using gaggle::bench::rss_kb;

int main(int argc, char** argv)
{
    const auto requests = static_cast<size_t>(std::max(0LL, gaggle::bench::int_option(argc, argv, "--requests", 10000)));
    const int threads = static_cast<int>(gaggle::bench::int_option(argc, argv, "--threads", 16));
    const auto huge_every = static_cast<size_t>(std::max(0LL, gaggle::bench::int_option(argc, argv, "--huge-every", 50)));
    const auto root = std::filesystem::temp_directory_path() / ("gaggle-storm-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(root);
    const int port = free_port();
    const pid_t server = fork();
    if (server == 0) {
        setenv("GOOSE_PATH_ROOT", root.c_str(), 1);
        setenv("GOOSE_PORT", std::to_string(port).c_str(), 1);
        setenv("GOOSE_SERVER__SECRET_KEY", "storm", 1);
        setenv("GOOSE_LOG_LEVEL", "error", 1);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(GAGGLE_BINARY, GAGGLE_BINARY, "agent", static_cast<char*>(nullptr));
        _exit(127);
    }
    while (call(port, "GET", "/status", "") != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::string text;
    call(port, "POST", "/agent/start", gaggle::Json{{"working_dir", root.string()}}.dump(), &text);
    const std::string session = gaggle::Json::parse(text)["id"].get<std::string>();
    call(port, "GET", "/openapi.json", "", &text);
    const auto routes = gaggle::storm::routes_of(nlohmann::json::parse(text));

    std::vector<gaggle::storm::Shot> shots, huge;
    for (const auto& route : routes) {
        for (auto& s : gaggle::storm::shots_for(route, "storm", session, false)) shots.push_back(std::move(s));
        if (route.path.find('{') != std::string::npos)
            for (auto& s : gaggle::storm::shots_for(route, "storm", "20990101_1", false)) shots.push_back(std::move(s));
        if (route.method == "POST")
            for (auto& s : gaggle::storm::shots_for(route, "storm", session, true))
                if (s.label.find("20 MB") != std::string::npos) huge.push_back(std::move(s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long rss_idle = rss_kb(server);

    std::atomic<size_t> next{0}, answers_5xx{0}, bare_4xx{0}, unanswered{0}, sent_huge{0};
    std::atomic<long> rss_peak{rss_idle};
    std::vector<std::thread> pool;
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (size_t i; (i = next++) < requests;) {
                const bool big = huge_every && !huge.empty() && i % huge_every == 0;
                const auto& shot = big ? huge[(i / huge_every) % huge.size()] : shots[i % shots.size()];
                if (big) ++sent_huge;
                const auto o = gaggle::storm::fire(port, shot);
                if (o.status == 0) ++unanswered;
                else if (o.status >= 500) ++answers_5xx;
                else if (o.status >= 400 && !o.json_message) ++bare_4xx;
                if (i % 100 == 0) {
                    const long now = rss_kb(server);
                    for (long peak = rss_peak; now > peak && !rss_peak.compare_exchange_weak(peak, now);) {
                    }
                }
            }
        });
    for (auto& t : pool) t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const bool up = alive(server) && call(port, "GET", "/status", "") == 200;
    const long rss_after = rss_kb(server);

    std::printf("storm_bench: %zu requests (%zu kinds over %zu routes, %zu of them 20 MB bodies), %d threads, %.1f s\n",
                requests, shots.size(), routes.size(), sent_huge.load(), threads, seconds);
    std::printf("  crashes: %d   answers >= 500: %zu   4xx without {\"message\"}: %zu   no answer: %zu\n", up ? 0 : 1,
                answers_5xx.load(), bare_4xx.load(), unanswered.load());
    std::printf("  server RSS: idle %ld KiB (baseline), peak %ld KiB, after %ld KiB (growth %+ld KiB)\n", rss_idle,
                rss_peak.load(), rss_after, rss_after - rss_idle);
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
    std::filesystem::remove_all(root);
    return up ? 0 : 1;
}
