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
#include "bench_support.hpp"
#include "common/json.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <cstdio>
#include <cstring>
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

struct Server {
    pid_t pid = -1;
    int port = 0;
    std::filesystem::path root;

    Server(const std::string& provider_url, int idle_seconds)
    {
        root = std::filesystem::temp_directory_path() / ("gaggle-soak-" + std::to_string(getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
        probe.close();
        pid = fork();
        if (pid == 0) {
            setenv("GOOSE_PATH_ROOT", root.c_str(), 1);
            setenv("GOOSE_PORT", std::to_string(port).c_str(), 1);
            setenv("GOOSE_SERVER__SECRET_KEY", "soak", 1);
            setenv("GOOSE_PROVIDER", "openai", 1);
            setenv("GOOSE_MODEL", "gpt-4o", 1);
            setenv("OPENAI_HOST", provider_url.c_str(), 1);
            setenv("OPENAI_API_KEY", "sk-soak", 1);
            setenv("GOOSE_LOG_LEVEL", "warn", 1);
            setenv("GAGGLE_BUS_IDLE_SECONDS", std::to_string(idle_seconds).c_str(), 1);
            setenv("GAGGLE_AGENT_IDLE_SECONDS", std::to_string(idle_seconds).c_str(), 1);
            execl(GAGGLE_BINARY, GAGGLE_BINARY, "agent", static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 500; ++i) {
            try {
                if (call("GET", "/status", "", nullptr) == 200) return;
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("server did not start");
    }
    ~Server()
    {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        std::filesystem::remove_all(root);
    }

    int call(const std::string& method, const std::string& path, const std::string& body, std::string* out,
             const std::string& last_event_id = "") const
    {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
        s.setTimeout(Poco::Timespan(60, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", "soak");
        if (!last_event_id.empty()) req.set("Last-Event-ID", last_event_id);
        if (!body.empty()) {
            req.setContentType("application/json");
            req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::istream& in = s.receiveResponse(res);
        if (out) {
            std::stringstream ss;
            ss << in.rdbuf();
            *out = ss.str();
        }
        return res.getStatus();
    }

    // Reads an SSE stream until a Finish event arrives; the connection is dropped after it.
    bool read_until_finish(const std::string& path, const std::string& last_event_id) const
    {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
        s.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", "soak");
        req.set("Last-Event-ID", last_event_id);
        s.sendRequest(req);
        Poco::Net::HTTPResponse res;
        std::istream& in = s.receiveResponse(res);
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("data: ", 0) == 0 && line.find("\"type\":\"Finish\"") != std::string::npos) return true;
        return false;
    }

    long rss_kb() const
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
        return 0;
    }
};

Json user_message(int i)
{
    return Json{{"role", "user"}, {"created", 1}, {"content", Json::array({Json{{"type", "text"}, {"text", "soak " + std::to_string(i)}}})},
                {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
}

} // namespace

int main(int argc, char** argv)
{
    int sessions = 10000, idle_seconds = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--sessions")) sessions = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--idle-seconds")) idle_seconds = std::atoi(argv[i + 1]);
    }
    json chunks = json::array();
    for (int i = 0; i < 20; ++i) chunks.push_back({{"text", "tok" + std::to_string(i) + " "}});
    json reply{{"format", "openai"}, {"chunks", chunks}, {"usage", {{"input_tokens", 20}, {"output_tokens", 20}}}, {"repeat", true},
               {"match", {{"path", "/v1/chat/completions"}}}};
    gaggle::testing::ScriptedProvider provider(json::array({reply}));
    provider.start();
    Server server(provider.base_url(), idle_seconds);
    const std::string dir = server.root.string();

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
