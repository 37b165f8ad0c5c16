#pragma once
// Starts the real gaggle binary on a free loopback port with a private GOOSE_PATH_ROOT, waits for
// GET /status, and stops it (SIGTERM, then SIGKILL) when it goes out of scope.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gaggle::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    std::string header(const std::string& lower_name) const
    {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

// A scratch directory removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

class ServerProcess {
public:
    struct Options {
        std::map<std::string, std::string> env;   // added to a minimal environment
        std::vector<std::string> args{"agent"};
        std::string secret = "test-secret-123";   // GOOSE_SERVER__SECRET_KEY; "" to leave unset
        std::filesystem::path root;               // GOOSE_PATH_ROOT; a fresh temp dir when empty
        bool wait_ready = true;
        bool port_as_flag = false;                // pass the port as --port and point GOOSE_PORT elsewhere
    };
    explicit ServerProcess(Options options);
    ServerProcess() : ServerProcess(Options{}) {}
    ~ServerProcess();

    int port() const { return port_; }
    const std::string& secret() const { return options_.secret; }
    const std::filesystem::path& root() const { return root_; }
    pid_t pid() const { return pid_; }
    std::string stderr_text() const;
    // Every log line the server wrote: its stderr, then the log files under state/.
    std::string all_logs() const;

    // Request with the secret as X-Secret-Key (unless headers carry their own auth or auth=false).
    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       std::map<std::string, std::string> headers = {}, bool auth = true) const;
    HttpResult get(const std::string& path) const { return request("GET", path); }
    HttpResult post_json(const std::string& path, const std::string& body) const
    {
        return request("POST", path, body, {{"Content-Type", "application/json"}});
    }

    bool alive() const;
    // Sends `signal` and waits up to timeout_ms for exit; returns the exit status or -1.
    int stop(int signal, int timeout_ms = 5000);

private:
    Options options_;
    std::unique_ptr<TempDir> own_root_;
    std::filesystem::path root_;
    std::filesystem::path stderr_file_;
    int port_ = 0;
    pid_t pid_ = -1;
    int exit_status_ = -1;
};

// One HTTP request to 127.0.0.1:port.
HttpResult http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                        const std::map<std::string, std::string>& headers);
int free_port();

// The whole content of a file ("" when it cannot be read).
std::string read_text_file(const std::filesystem::path& p);

} // namespace gaggle::test
