#pragma once
// The real `gaggle agent` as the benchmarks run it: a fresh GOOSE_PATH_ROOT, a free port, the
// openai provider pointed at a scripted provider in the bench's own process, and plain HTTP
// calls against it. Benchmarks measure the binary users run, so nothing here is in-process.
#include "bench_support.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gaggle::bench {

class BenchServer {
public:
    // Starts the server with `env` added to the usual variables and waits for GET /status.
    BenchServer(const std::string& provider_url, const std::map<std::string, std::string>& env = {})
    {
        static int started = 0;  // several servers in one bench (instances_bench) each get their own root
        root_ = std::filesystem::temp_directory_path() / ("gaggle-bench-" + std::to_string(getpid()) + "-" + std::to_string(++started));
        std::filesystem::remove_all(root_);
        std::filesystem::create_directories(root_ / "config");
        // The benches measure the host's own cost, as they did before Gaggle bundled extensions:
        // developer (a child process per session) and extensionmanager are off, todo stays on.
        // mcp_builtin_bench measures the developer server itself.
        std::ofstream(root_ / "config" / "config.yaml")
            << "extensions:\n  developer:\n    enabled: false\n  extensionmanager:\n    enabled: false\n";
        {
            Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
            port_ = probe.address().port();
        }
        pid_ = fork();
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); // a crashed bench leaves no server behind
            setenv("GOOSE_PATH_ROOT", root_.c_str(), 1);
            setenv("GOOSE_PORT", std::to_string(port_).c_str(), 1);
            setenv("GOOSE_SERVER__SECRET_KEY", secret, 1);
            setenv("GOOSE_PROVIDER", "openai", 1);
            setenv("GOOSE_MODEL", "gpt-4o", 1);
            setenv("OPENAI_HOST", provider_url.c_str(), 1);
            setenv("OPENAI_API_KEY", "sk-bench", 1);
            setenv("GOOSE_LOG_LEVEL", "warn", 1);
            for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
            execl(GAGGLE_BINARY, GAGGLE_BINARY, "agent", static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 500; ++i) {
            try {
                if (call("GET", "/status", "") == 200) return;
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        stop();
        throw std::runtime_error("server did not start");
    }
    ~BenchServer() { stop(); }
    BenchServer(const BenchServer&) = delete;
    BenchServer& operator=(const BenchServer&) = delete;

    pid_t pid() const { return pid_; }
    const std::filesystem::path& root() const { return root_; }
    long rss_kb() const { return bench::rss_kb(pid_); }
    long long cpu_ns() const { return bench::cpu_ns(pid_); }

    // One request on a new connection; returns the status and, when `out` is given, the body.
    int call(const std::string& method, const std::string& path, const std::string& body, std::string* out = nullptr) const
    {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
        s.setTimeout(Poco::Timespan(60, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", secret);
        if (!body.empty()) {
            req.setContentType("application/json");
            req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::istream& in = s.receiveResponse(res);
        std::stringstream ss;
        ss << in.rdbuf();
        if (out) *out = ss.str();
        return res.getStatus();
    }

    // Reads the SSE stream at `path` until a Finish event arrives; false if it ends first.
    bool read_until_finish(const std::string& path, const std::string& last_event_id) const
    {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
        s.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", secret);
        req.set("Last-Event-ID", last_event_id);
        s.sendRequest(req);
        Poco::Net::HTTPResponse res;
        std::istream& in = s.receiveResponse(res);
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("data: ", 0) == 0 && line.find("\"type\":\"Finish\"") != std::string::npos) return true;
        return false;
    }

    static constexpr const char* secret = "bench";

private:
    void stop()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        std::filesystem::remove_all(root_);
    }

    pid_t pid_ = -1;
    int port_ = 0;
    std::filesystem::path root_;
};

} // namespace gaggle::bench
