// server_bench: start-up, idle memory, and many open event streams.
//
//   start      spawn of `gaggle agent` (every shipped plugin loaded) to the first 200 from
//              GET /status; baseline: spawn to exit of `/bin/true` in the same run
//   memory     resident set of the idle server, and after 10,000 stored sessions (which must
//              cost nothing until opened)
//   streams    N clients hold GET /sessions/{id}/events open at once; one turn is started on the
//              bus and every client must receive its Finish. Prints how many did, the errors
//              (failed connects, non-200 answers, streams the server closed), and the server's
//              resident set and thread count beside its idle figures (the baseline).
//
//   server_bench [--streams N]      (10000 for the target: 0 errors, server RSS < 150 MB)
#include "bench_support.hpp"
#include "common/json.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using gaggle::Json;
using gaggle::bench::Clock;
using gaggle::bench::median;
using gaggle::bench::ms_since;

namespace {

int free_port()
{
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

bool status_ok(int port)
{
    try {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
        Poco::Net::HTTPRequest req("GET", "/status");
        s.sendRequest(req);
        Poco::Net::HTTPResponse res;
        s.receiveResponse(res);
        return res.getStatus() == 200;
    } catch (const std::exception&) {
        return false;
    }
}

pid_t spawn(const std::vector<std::pair<std::string, std::string>>& env, const char* binary, const char* arg)
{
    const pid_t pid = fork();
    if (pid == 0) {
        for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(binary, binary, arg, static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

// A numeric field of /proc/PID/status ("VmRSS:", "Threads:"); 0 when absent.
long proc_status(pid_t pid, const std::string& field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
    return 0;
}
long rss_kb(pid_t pid) { return proc_status(pid, "VmRSS:"); }
long threads(pid_t pid) { return proc_status(pid, "Threads:"); }

std::string call(int port, const std::string& method, const std::string& path, const std::string& body)
{
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("X-Secret-Key", "bench");
    req.setContentType("application/json");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::stringstream ss;
    ss << s.receiveResponse(res).rdbuf();
    return ss.str();
}

} // namespace

int main(int argc, char** argv)
{
    const int streams = static_cast<int>(gaggle::bench::int_option(argc, argv, "--streams", 1000));
    rlimit nofile{};
    getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);

    const auto root = std::filesystem::temp_directory_path() / ("gaggle-server-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(root);
    gaggle::testing::ScriptedProvider provider(nlohmann::json::array(
        {{{"format", "openai"}, {"repeat", true}, {"chunks", nlohmann::json::array({{{"text", "hello "}}, {{"text", "all"}}})}}}));
    provider.start();

    // Start-up: ten spawns, each with a fresh data dir, against spawning /bin/true.
    std::vector<double> starts, trues;
    long idle_rss = 0;
    for (int i = 0; i < 10; ++i) {
        const auto t0 = Clock::now();
        const pid_t t = spawn({}, "/bin/true", "");
        waitpid(t, nullptr, 0);
        trues.push_back(ms_since(t0));

        const int port = free_port();
        const auto dir = root / ("start-" + std::to_string(i));
        const auto t1 = Clock::now();
        const pid_t pid = spawn({{"GOOSE_PATH_ROOT", dir.string()}, {"GOOSE_PORT", std::to_string(port)}, {"GOOSE_SERVER__SECRET_KEY", "bench"}},
                                GAGGLE_BINARY, "agent");
        while (!status_ok(port)) std::this_thread::sleep_for(std::chrono::microseconds(200));
        starts.push_back(ms_since(t1));
        if (i == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            idle_rss = rss_kb(pid);
        }
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
    }
    std::printf("server_bench\n");
    std::printf("  start: spawn to first /status  median %.2f ms (spawn of /bin/true: %.2f ms)\n", median(starts), median(trues));
    std::printf("  memory: idle resident set      %ld KiB\n", idle_rss);

    // The long-lived server for the rest.
    const int port = free_port();
    const pid_t server = spawn({{"GOOSE_PATH_ROOT", (root / "main").string()}, {"GOOSE_PORT", std::to_string(port)},
                                {"GOOSE_SERVER__SECRET_KEY", "bench"}, {"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "m"},
                                {"OPENAI_HOST", provider.base_url()}, {"OPENAI_API_KEY", "k"}, {"GOOSE_LOG_LEVEL", "error"}},
                               GAGGLE_BINARY, "agent");
    while (!status_ok(port)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long idle_threads = threads(server), idle_main_rss = rss_kb(server);
    const std::string dir = root.string();
    const long before = rss_kb(server);
    for (int i = 0; i < 10000; ++i) call(port, "POST", "/agent/start", Json{{"working_dir", dir}}.dump());
    const long after = rss_kb(server);
    std::printf("  memory: after 10,000 stored sessions %ld KiB (%+ld KiB)\n", after, after - before);

    // Streams: raw sockets so one thread can hold them all.
    const std::string session = Json::parse(call(port, "POST", "/agent/start", Json{{"working_dir", dir}}.dump()))["id"];
    const std::string request = "GET /sessions/" + session + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Secret-Key: bench\r\n\r\n";
    std::vector<pollfd> fds;
    std::vector<std::string> received(static_cast<size_t>(streams));
    int connect_errors = 0;
    const auto open_t = Clock::now();
    for (int i = 0; i < streams; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
            ++connect_errors;
            close(fd);
            continue;
        }
        fds.push_back({fd, POLLIN, 0});
    }
    // Wait until every stream has its ActiveRequests event, then start one turn for all of them.
    // A stream the server ends (EOF, reset) is an error; its fd leaves the poll set.
    std::vector<int> open_fds;
    for (auto& p : fds) open_fds.push_back(p.fd);
    int closed_by_server = 0;
    auto pump = [&](const char* needle, int timeout_ms) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        while (Clock::now() < deadline) {
            int done = 0;
            for (size_t i = 0; i < fds.size(); ++i) done += received[i].find(needle) != std::string::npos;
            if (done + closed_by_server == static_cast<int>(fds.size())) return done;
            poll(fds.data(), fds.size(), 50);
            for (size_t i = 0; i < fds.size(); ++i)
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                    char buf[4096];
                    const ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
                    if (n > 0) {
                        received[i].append(buf, static_cast<size_t>(n));
                    } else if (n == 0 || errno != EAGAIN) {
                        ++closed_by_server;
                        fds[i].fd = -1; // poll skips it
                    }
                }
        }
        int done = 0;
        for (size_t i = 0; i < fds.size(); ++i) done += received[i].find(needle) != std::string::npos;
        return done;
    };
    const int ready = pump("ActiveRequests", 60000);
    const double open_ms = ms_since(open_t);
    const long rss_streams = rss_kb(server), threads_streams = threads(server);
    int not_ok = 0;
    for (auto& r : received) not_ok += !r.empty() && r.rfind("HTTP/1.1 200", 0) != 0;
    const auto turn_t = Clock::now();
    call(port, "POST", "/sessions/" + session + "/reply",
         Json{{"request_id", "bench-1"}, {"user_message", {{"role", "user"}, {"content", Json::array({Json{{"type", "text"}, {"text", "hi"}}})}}}}.dump());
    const int finished = pump("\"Finish\"", 120000);
    const double fanout_ms = ms_since(turn_t);
    const long rss_after = rss_kb(server), threads_after = threads(server);
    const int errors = streams - finished; // every stream that did not see the Finish, whatever the cause
    std::printf("  streams: %d opened (%d connect errors, %d non-200), %d got ActiveRequests in %.0f ms\n", streams, connect_errors,
                not_ok, ready, open_ms);
    std::printf("  streams: server with %d open: RSS %ld KiB, %ld threads (same server idle: %ld KiB, %ld threads)\n", ready,
                rss_streams, threads_streams, idle_main_rss, idle_threads);
    std::printf("  streams: one turn fanned out to %d/%zu listeners (Finish received) in %.0f ms; RSS after %ld KiB, %ld threads\n",
                finished, fds.size(), fanout_ms, rss_after, threads_after);
    std::printf("  streams: errors %d (of which: connect %d, non-200 %d, closed by server %d)\n", errors, connect_errors, not_ok,
                closed_by_server);
    for (int fd : open_fds) close(fd);
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
    std::filesystem::remove_all(root);
    return 0;
}
