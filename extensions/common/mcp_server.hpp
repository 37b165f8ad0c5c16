#pragma once
// A small MCP server: JSON-RPC 2.0 over newline-delimited stdio, the parts of the protocol the
// builtin servers need (initialize with version negotiation, ping, tools/list, tools/call, logging,
// progress, cancellation, roots). Tool calls run on their own threads so that a
// notifications/cancelled read while a call runs reaches it. Depends on nlohmann_json, the C++
// standard library and POSIX only, so every server built on it stays separable from the host.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gaggle::mcp_server {

// The protocol versions this server speaks, newest first; an unknown request gets the newest.
extern const std::vector<std::string> supported_protocol_versions;

// RFC 5424 levels as MCP names them, least severe first.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
const char* log_level_name(LogLevel level);
std::optional<LogLevel> parse_log_level(const std::string& name);

struct ToolResult {
    nlohmann::json content = nlohmann::json::array(); // MCP content blocks
    bool is_error = false;
    static ToolResult text(std::string text, bool is_error = false);
    static ToolResult error(std::string text) { return ToolResult::text(std::move(text), true); }
};

class Server;
struct CallState;

// What a running tool call sees: its arguments, whether it was cancelled, and ways to report.
// Lives on the call's thread for the duration of the call; the report functions are thread-safe.
class CallContext {
public:
    CallContext(Server& server, std::shared_ptr<CallState> state, nlohmann::json arguments,
                std::vector<std::filesystem::path> roots);
    const nlohmann::json& arguments() const { return arguments_; }
    bool cancelled() const;
    bool wants_progress() const;
    // Sent only when the request carried a progressToken; values that do not increase are dropped
    // (the spec requires progress to increase with each notification).
    void progress(double done, std::optional<double> total, const std::string& message);
    void log(LogLevel level, const std::string& logger, const std::string& text);
    // file:// roots the client declared (empty when it declared none), as absolute paths.
    const std::vector<std::filesystem::path>& roots() const { return roots_; }
    // The first root when the client gives roots, else the process working directory.
    std::filesystem::path working_dir() const;

private:
    Server& server_;
    std::shared_ptr<CallState> state_;
    nlohmann::json arguments_;
    std::vector<std::filesystem::path> roots_;
    double last_progress_ = -1;
};

struct Tool {
    std::string name;
    std::string title;
    std::string description;
    nlohmann::json input_schema;              // a JSON Schema object; arguments are checked against it
    nlohmann::json annotations = nlohmann::json::object(); // readOnlyHint, destructiveHint, ...
    std::function<ToolResult(CallContext&)> run; // may throw: the message becomes an isError result
};

struct ServerInfo {
    std::string name;
    std::string version;
    std::string title;
    std::function<std::string()> instructions; // asked at initialize; empty result = none sent
};

class Server {
public:
    explicit Server(ServerInfo info);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Not thread-safe: register every tool before serve().
    void add_tool(Tool tool);
    // Serves one client: reads frames from in_fd until end of input, writes answers to out_fd.
    // At end of input, calls still running get `grace` to finish and answer (a client that
    // pipes requests and closes its end still gets them), then are cancelled; returns once
    // every call thread is joined.
    int serve(int in_fd, int out_fd, std::chrono::milliseconds grace = std::chrono::seconds(5));
    // Thread-safe: marks every running call cancelled (a shell call then kills its process group).
    void cancel_all();
    // Thread-safe: waits until no call runs or `timeout` passes; true when none runs.
    bool wait_idle(std::chrono::milliseconds timeout);

private:
    friend class CallContext;
    void handle_line(const std::string& line);
    void handle_request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
    void handle_notification(const std::string& method, const nlohmann::json& params);
    void handle_response(const nlohmann::json& frame);
    nlohmann::json initialize(const nlohmann::json& params);
    void start_call(const nlohmann::json& id, const nlohmann::json& params);
    void request_roots();
    std::vector<std::filesystem::path> wait_for_roots();
    void reap_finished_calls();
    void send(const nlohmann::json& frame);
    void send_result(const nlohmann::json& id, nlohmann::json result);
    void send_error(const nlohmann::json& id, int code, const std::string& message);
    bool log_enabled(LogLevel level) const { return static_cast<int>(level) >= min_log_level_.load(); }

    ServerInfo info_;
    std::vector<Tool> tools_;
    int out_fd_ = 1;
    std::mutex out_mutex_;
    std::atomic<int> min_log_level_{static_cast<int>(LogLevel::info)};

    // Calls in flight, keyed by the request id's JSON text.
    std::mutex calls_mutex_;
    std::condition_variable call_finished_;
    std::map<std::string, std::shared_ptr<CallState>> running_;
    std::map<std::uint64_t, std::thread> threads_;
    std::vector<std::uint64_t> finished_;
    std::uint64_t next_thread_ = 0;

    // roots/list, asked of clients that declare the roots capability.
    std::atomic<bool> client_has_roots_{false}; // written at initialize, read by call threads
    std::int64_t next_request_id_ = 0;
    std::map<std::string, std::string> pending_requests_; // id JSON -> method, for our own requests
    std::mutex roots_mutex_;
    std::condition_variable roots_changed_;
    bool roots_pending_ = false;
    bool input_closed_ = false;
    std::vector<std::filesystem::path> roots_;
};

// JSON-RPC error codes.
constexpr int parse_error = -32700;
constexpr int invalid_request = -32600;
constexpr int method_not_found = -32601;
constexpr int invalid_params = -32602;
constexpr int internal_error = -32603;

// file:///a%20b → /a b; nullopt for anything that is not a local file URI.
std::optional<std::filesystem::path> path_from_file_uri(const std::string& uri);

} // namespace gaggle::mcp_server
