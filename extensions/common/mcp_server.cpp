#include "common/mcp_server.hpp"

#include "common/json_limits.hpp"
#include "common/schema_check.hpp"

#include <cerrno>
#include <chrono>
#include <unistd.h>

namespace gaggle::mcp_server {

using nlohmann::json;

const std::vector<std::string> supported_protocol_versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

namespace {

constexpr const char* level_names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
// More calls than this at once is a runaway client; each call is a thread.
constexpr size_t max_calls_in_flight = 32;
// A client that declares roots but never answers roots/list must not stall tool calls forever.
constexpr auto roots_answer_wait = std::chrono::seconds(5);

bool valid_id(const json& id) { return id.is_string() || id.is_number_integer(); }

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

struct CallState {
    std::atomic<bool> cancelled{false};
    json progress_token; // null when the request carried none
};

const char* log_level_name(LogLevel level) { return level_names[static_cast<int>(level)]; }

std::optional<LogLevel> parse_log_level(const std::string& name)
{
    for (int i = 0; i < 8; ++i)
        if (name == level_names[i]) return static_cast<LogLevel>(i);
    return std::nullopt;
}

ToolResult ToolResult::text(std::string text, bool is_error)
{
    ToolResult r;
    r.content.push_back({{"type", "text"}, {"text", std::move(text)}});
    r.is_error = is_error;
    return r;
}

std::optional<std::filesystem::path> path_from_file_uri(const std::string& uri)
{
    const std::string scheme = "file://";
    if (uri.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = uri.substr(scheme.size());
    if (rest.rfind("localhost/", 0) == 0) rest = rest.substr(9);
    if (rest.empty() || rest[0] != '/') return std::nullopt; // a remote host names no local path
    std::string decoded;
    for (size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 && hex_value(rest[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
            i += 2;
        } else decoded += rest[i];
    }
    return std::filesystem::path(decoded).lexically_normal();
}

// --- CallContext --------------------------------------------------------------------------------

CallContext::CallContext(Server& server, std::shared_ptr<CallState> state, json arguments,
                         std::vector<std::filesystem::path> roots)
    : server_(server), state_(std::move(state)), arguments_(std::move(arguments)), roots_(std::move(roots))
{
}

bool CallContext::cancelled() const { return state_->cancelled.load(); }
bool CallContext::wants_progress() const { return !state_->progress_token.is_null(); }

void CallContext::progress(double done, std::optional<double> total, const std::string& message)
{
    if (!wants_progress() || done <= last_progress_ || cancelled()) return;
    last_progress_ = done;
    json params = {{"progressToken", state_->progress_token}, {"progress", done}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    server_.send({{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", std::move(params)}});
}

void CallContext::log(LogLevel level, const std::string& logger, const std::string& text)
{
    if (!server_.log_enabled(level) || cancelled()) return;
    server_.send({{"jsonrpc", "2.0"},
                  {"method", "notifications/message"},
                  {"params", {{"level", log_level_name(level)}, {"logger", logger}, {"data", text}}}});
}

std::filesystem::path CallContext::working_dir() const
{
    if (!roots_.empty()) return roots_.front();
    std::error_code ec;
    auto cwd = std::filesystem::current_path(ec);
    return ec ? std::filesystem::path("/") : cwd;
}

// --- Server -------------------------------------------------------------------------------------

Server::Server(ServerInfo info) : info_(std::move(info)) {}

Server::~Server()
{
    for (auto& [key, thread] : threads_)
        if (thread.joinable()) thread.join();
}

void Server::add_tool(Tool tool) { tools_.push_back(std::move(tool)); }

void Server::send(const json& frame)
{
    // Tool output is whatever a command printed: replace invalid UTF-8 rather than fail the frame.
    std::string line = frame.dump(-1, ' ', false, json::error_handler_t::replace);
    line += '\n';
    std::lock_guard lock(out_mutex_);
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::write(out_fd_, line.data() + off, line.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; // the client went away; input will end too
        off += static_cast<size_t>(n);
    }
}

void Server::send_result(const json& id, json result)
{
    send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::send_error(const json& id, int code, const std::string& message)
{
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

int Server::serve(int in_fd, int out_fd, std::chrono::milliseconds grace)
{
    out_fd_ = out_fd;
    std::string buffer;
    bool discarding = false; // inside a frame that was too long, until its newline
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(in_fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        buffer.append(chunk, static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
            if (discarding) {
                discarding = false;
                continue;
            }
            handle_line(buffer.substr(start, nl - start));
        }
        buffer.erase(0, start);
        if (buffer.size() > max_frame_bytes) {
            if (!discarding) send_error(nullptr, parse_error, "Parse error: frame longer than " + std::to_string(max_frame_bytes) + " bytes");
            discarding = true;
            buffer.clear();
        }
        reap_finished_calls();
    }
    if (!discarding && buffer.find_first_not_of(" \t\r") != std::string::npos) handle_line(buffer);

    // Input ended: the client is going away. Calls that finish soon still answer; the rest are
    // cancelled (killing what they started) so nothing outlives the server.
    {
        std::lock_guard lock(roots_mutex_);
        input_closed_ = true;
    }
    roots_changed_.notify_all();
    if (!wait_idle(grace)) cancel_all();
    std::map<std::uint64_t, std::thread> threads;
    {
        std::lock_guard lock(calls_mutex_);
        threads.swap(threads_);
    }
    for (auto& [key, thread] : threads) thread.join();
    return 0;
}

void Server::cancel_all()
{
    std::lock_guard lock(calls_mutex_);
    for (auto& [key, state] : running_) state->cancelled = true;
}

bool Server::wait_idle(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(calls_mutex_);
    return call_finished_.wait_for(lock, timeout, [&] { return running_.empty(); });
}

void Server::handle_line(const std::string& raw)
{
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    if (json_nesting_depth(line) > max_json_depth) {
        send_error(nullptr, parse_error, "Parse error: JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
        return;
    }
    json frame = json::parse(line, nullptr, false);
    if (frame.is_discarded()) {
        send_error(nullptr, parse_error, "Parse error: not valid JSON");
        return;
    }
    if (frame.is_array()) {
        send_error(nullptr, invalid_request, "Invalid Request: JSON-RPC batches are not supported");
        return;
    }
    if (!frame.is_object()) {
        send_error(nullptr, invalid_request, "Invalid Request: a message must be a JSON object");
        return;
    }
    const json id = frame.contains("id") ? frame["id"] : json();
    const json reply_id = valid_id(id) ? id : json();
    if (frame.value("jsonrpc", json()) != "2.0") {
        send_error(reply_id, invalid_request, "Invalid Request: 'jsonrpc' must be \"2.0\"");
        return;
    }
    if (frame.contains("id") && !valid_id(id)) {
        send_error(nullptr, invalid_request, "Invalid Request: 'id' must be a string or an integer");
        return;
    }
    auto method = frame.find("method");
    if (method == frame.end()) {
        if (frame.contains("id") && (frame.contains("result") || frame.contains("error"))) handle_response(frame);
        else send_error(reply_id, invalid_request, "Invalid Request: no 'method'");
        return;
    }
    if (!method->is_string()) {
        send_error(reply_id, invalid_request, "Invalid Request: 'method' must be a string");
        return;
    }
    const json params = frame.contains("params") ? frame["params"] : json::object();
    if (!params.is_object()) {
        if (frame.contains("id")) send_error(id, invalid_params, "Invalid params: 'params' must be an object");
        return;
    }
    if (frame.contains("id")) handle_request(id, method->get<std::string>(), params);
    else handle_notification(method->get<std::string>(), params);
}

json Server::initialize(const json& params)
{
    const json client_caps = params.value("capabilities", json::object());
    client_has_roots_ = client_caps.is_object() && client_caps.contains("roots");
    std::string version = supported_protocol_versions.front();
    if (auto v = params.find("protocolVersion"); v != params.end() && v->is_string()) {
        for (const auto& known : supported_protocol_versions)
            if (known == v->get<std::string>()) version = known;
    }
    json server_info = {{"name", info_.name}, {"version", info_.version}};
    if (!info_.title.empty()) server_info["title"] = info_.title;
    json result = {{"protocolVersion", version},
                   {"capabilities", {{"tools", {{"listChanged", false}}}, {"logging", json::object()}}},
                   {"serverInfo", server_info}};
    if (info_.instructions) {
        std::string text = info_.instructions();
        if (!text.empty()) result["instructions"] = std::move(text);
    }
    return result;
}

void Server::handle_request(const json& id, const std::string& method, const json& params)
{
    if (method == "initialize") return send_result(id, initialize(params));
    if (method == "ping") return send_result(id, json::object());
    if (method == "tools/list") {
        json tools = json::array();
        for (const auto& t : tools_) {
            json entry = {{"name", t.name}, {"description", t.description}, {"inputSchema", t.input_schema}};
            if (!t.title.empty()) entry["title"] = t.title;
            if (!t.annotations.empty()) entry["annotations"] = t.annotations;
            tools.push_back(std::move(entry));
        }
        return send_result(id, {{"tools", std::move(tools)}});
    }
    if (method == "tools/call") return start_call(id, params);
    if (method == "logging/setLevel") {
        auto level = params.contains("level") && params["level"].is_string() ? parse_log_level(params["level"].get<std::string>()) : std::nullopt;
        if (!level) return send_error(id, invalid_params, "Invalid params: 'level' must be one of debug, info, notice, warning, error, critical, alert, emergency");
        min_log_level_ = static_cast<int>(*level);
        return send_result(id, json::object());
    }
    send_error(id, method_not_found, "Method not found: " + method);
}

void Server::handle_notification(const std::string& method, const json& params)
{
    if (method == "notifications/initialized" || method == "notifications/roots/list_changed") {
        if (client_has_roots_) request_roots();
    } else if (method == "notifications/cancelled") {
        auto request_id = params.find("requestId");
        if (request_id == params.end() || !valid_id(*request_id)) return; // nothing to cancel, nothing to answer
        std::lock_guard lock(calls_mutex_);
        if (auto it = running_.find(request_id->dump()); it != running_.end()) it->second->cancelled = true;
    }
    // Any other notification is one this server has no use for; notifications get no answer.
}

void Server::request_roots()
{
    const json id = next_request_id_++;
    pending_requests_[id.dump()] = "roots/list";
    {
        std::lock_guard lock(roots_mutex_);
        roots_pending_ = true;
    }
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "roots/list"}});
}

void Server::handle_response(const json& frame)
{
    auto pending = pending_requests_.find(frame["id"].dump());
    if (pending == pending_requests_.end()) return; // an answer to nothing we asked: ignore it
    pending_requests_.erase(pending);
    std::vector<std::filesystem::path> roots;
    const json result = frame.value("result", json::object());
    if (result.is_object() && result.contains("roots") && result["roots"].is_array()) {
        for (const auto& root : result["roots"])
            if (root.is_object() && root.contains("uri") && root["uri"].is_string())
                if (auto path = path_from_file_uri(root["uri"].get<std::string>())) roots.push_back(*path);
    }
    {
        std::lock_guard lock(roots_mutex_);
        roots_ = std::move(roots);
        roots_pending_ = false;
    }
    roots_changed_.notify_all();
}

std::vector<std::filesystem::path> Server::wait_for_roots()
{
    std::unique_lock lock(roots_mutex_);
    roots_changed_.wait_for(lock, roots_answer_wait, [&] { return !roots_pending_ || input_closed_; });
    return roots_;
}

void Server::start_call(const json& id, const json& params)
{
    auto name = params.find("name");
    if (name == params.end() || !name->is_string()) return send_error(id, invalid_params, "Invalid params: 'name' must be a string");
    const Tool* tool = nullptr;
    for (const auto& t : tools_)
        if (t.name == name->get<std::string>()) tool = &t;
    if (!tool) return send_error(id, invalid_params, "Unknown tool: " + name->get<std::string>());

    auto state = std::make_shared<CallState>();
    if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
        if (auto token = meta->find("progressToken"); token != meta->end() && (token->is_string() || token->is_number_integer()))
            state->progress_token = *token;
    }
    json arguments = params.contains("arguments") ? params["arguments"] : json::object();
    if (auto bad = check_arguments(tool->input_schema, arguments)) {
        json r = {{"content", json::array({{{"type", "text"}, {"text", "Invalid arguments for " + tool->name + ": " + *bad}}})}, {"isError", true}};
        return send_result(id, std::move(r));
    }

    std::lock_guard lock(calls_mutex_);
    const std::string key = id.dump();
    if (running_.count(key)) return send_error(id, invalid_request, "Invalid Request: id " + key + " is already in use by a running call");
    if (running_.size() >= max_calls_in_flight) return send_error(id, internal_error, "Too many tool calls in flight; retry when one finishes");
    running_[key] = state;
    const std::uint64_t slot = next_thread_++;
    threads_[slot] = std::thread([this, tool, state, id, key, slot, arguments = std::move(arguments)]() mutable {
        ToolResult result;
        try {
            CallContext ctx(*this, state, std::move(arguments), client_has_roots_ ? wait_for_roots() : std::vector<std::filesystem::path>{});
            result = tool->run(ctx);
        } catch (const std::exception& e) {
            result = ToolResult::error(std::string("Tool ") + tool->name + " failed: " + e.what());
        }
        // A cancelled request gets no answer (the client has already forgotten the id).
        if (!state->cancelled) {
            json r = {{"content", std::move(result.content)}};
            if (result.is_error) r["isError"] = true;
            send_result(id, std::move(r));
        }
        {
            std::lock_guard done(calls_mutex_);
            running_.erase(key);
            finished_.push_back(slot);
        }
        call_finished_.notify_all();
    });
}

void Server::reap_finished_calls()
{
    std::vector<std::thread> done;
    {
        std::lock_guard lock(calls_mutex_);
        for (auto slot : finished_) {
            auto it = threads_.find(slot);
            if (it == threads_.end()) continue;
            done.push_back(std::move(it->second));
            threads_.erase(it);
        }
        finished_.clear();
    }
    for (auto& t : done) t.join();
}

} // namespace gaggle::mcp_server
