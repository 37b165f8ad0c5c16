#include "server_process.hpp"

#include "node_runtime.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gaggle::test {

TempDir::TempDir()
{
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("gaggle-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

int free_port()
{
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

HttpResult http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                        const std::map<std::string, std::string>& headers)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT") req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    HttpResult out;
    out.status = static_cast<int>(res.getStatus());
    for (auto& [k, v] : res) out.headers[Poco::toLower(k)] = v;
    std::stringstream ss;
    ss << in.rdbuf();
    out.body = ss.str();
    return out;
}

ServerProcess::ServerProcess(Options options) : options_(std::move(options))
{
    if (options_.root.empty()) {
        own_root_ = std::make_unique<TempDir>();
        root_ = own_root_->path();
    } else {
        root_ = options_.root;
    }
    stderr_file_ = root_ / ("stderr-" + std::to_string(std::random_device{}()) + ".log");
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_port();
        std::map<std::string, std::string> env{{"PATH", hermetic_path()},
                                               {"HOME", root_.string()},
                                               {"GOOSE_PATH_ROOT", root_.string()},
                                               {"GOOSE_PORT", std::to_string(options_.port_as_flag ? free_port() : port_)}};
        if (!options_.secret.empty()) env["GOOSE_SERVER__SECRET_KEY"] = options_.secret;
        for (auto& [k, v] : options_.env) env[k] = v;
        std::vector<std::string> env_strings;
        for (auto& [k, v] : env) env_strings.push_back(k + "=" + v);
        std::vector<char*> envp, argv;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        std::string binary = GAGGLE_BINARY;
        argv.push_back(binary.data());
        std::vector<std::string> args = options_.args;
        if (options_.port_as_flag) args.insert(args.begin(), {"--port", std::to_string(port_)});
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);

        pid_ = fork();
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); // a test binary that crashes leaves no server behind
            const int fd = open(stderr_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            dup2(fd, 2);
            dup2(fd, 1);
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
        if (!options_.wait_ready) return;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            if (!alive()) break;
            try {
                if (http_request(port_, "GET", "/status", "", {}).status == 200) return;
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (alive()) stop(SIGKILL);
        // The port may have been taken between choosing and binding; try another.
        if (stderr_text().find("cannot listen") == std::string::npos) break;
    }
    throw std::runtime_error("gaggle did not become ready:\n" + stderr_text());
}

ServerProcess::~ServerProcess()
{
    if (alive()) stop(SIGTERM);
    if (alive()) stop(SIGKILL);
}

std::string ServerProcess::all_logs() const
{
    std::string out = stderr_text();
    std::error_code ec;
    for (auto& e : std::filesystem::recursive_directory_iterator(root_ / "state", ec))
        if (e.is_regular_file()) out += read_text_file(e.path());
    return out;
}

std::string read_text_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ServerProcess::stderr_text() const
{
    std::ifstream in(stderr_file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

HttpResult ServerProcess::request(const std::string& method, const std::string& path, const std::string& body,
                                  std::map<std::string, std::string> headers, bool auth) const
{
    const bool has_auth = headers.count("X-Secret-Key") || headers.count("Authorization") || headers.count("x-api-key");
    if (auth && !has_auth) headers["X-Secret-Key"] = options_.secret;
    return http_request(port_, method, path, body, headers);
}

bool ServerProcess::alive() const
{
    if (pid_ <= 0 || exit_status_ != -1) return false;
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        const_cast<ServerProcess*>(this)->exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return r == 0;
}

int ServerProcess::stop(int signal, int timeout_ms)
{
    if (!alive()) return exit_status_;
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!alive()) return exit_status_;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
}

} // namespace gaggle::test
