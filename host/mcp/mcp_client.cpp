#include "mcp/mcp_client.hpp"

#include <gaggle/cpp/json_depth.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace gaggle::mcp {
namespace {

constexpr std::int64_t method_not_found = -32601;
constexpr std::chrono::milliseconds cancel_poll{100};

Json rpc_error(const Json& id, std::int64_t code, const std::string& message)
{
    return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

std::string root_name(const std::string& dir)
{
    const std::string name = std::filesystem::path(dir).filename().string();
    return name.empty() ? dir : name;
}

} // namespace

McpClient::McpClient(ClientOptions options) : options_(std::move(options)) {}

McpClient::~McpClient()
{
    std::unique_ptr<FrameChannel> channel;
    {
        std::lock_guard lock(send_mutex_);
        channel = std::move(channel_);
    }
    channel.reset(); // no frame arrives after this
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        if (closed_reason_.empty()) closed_reason_ = "the connection was closed";
    }
    cv_.notify_all();
    for (auto& t : helpers_) t.join();
}

void McpClient::connect(const ChannelOpener& open)
{
    FrameHandler handler;
    handler.on_frame = [this](std::string_view frame) { on_frame(frame); };
    handler.on_closed = [this](const std::string& reason) { on_closed(reason); };
    auto channel = open(std::move(handler));
    {
        std::lock_guard lock(send_mutex_);
        channel_ = std::move(channel);
        for (auto& f : unsent_) channel_->send(f);
        unsent_.clear();
    }

    Json capabilities = {{"roots", {{"listChanged", false}}}};
    if (options_.sampling) capabilities["sampling"] = Json::object();
    if (options_.elicitation) capabilities["elicitation"] = Json::object();
    Json params = {{"protocolVersion", supported_protocol_versions.front()},
                   {"capabilities", capabilities},
                   {"clientInfo", {{"name", options_.client_name}, {"version", options_.client_version}}}};
    Json result = request("initialize", params);
    if (!result.is_object()) throw McpError(McpError::Kind::rpc_error, "initialize returned no object");
    const std::string version = result.value("protocolVersion", std::string());
    if (std::find(supported_protocol_versions.begin(), supported_protocol_versions.end(), version) ==
        supported_protocol_versions.end())
        throw McpError(McpError::Kind::rpc_error, "the server speaks MCP protocol version '" + version +
                                                      "', which this client does not support");
    protocol_version_ = version;
    if (result.contains("capabilities") && result["capabilities"].is_object()) server_capabilities_ = result["capabilities"];
    if (result.contains("serverInfo") && result["serverInfo"].is_object()) server_info_ = result["serverInfo"];
    if (result.contains("instructions") && result["instructions"].is_string()) instructions_ = result["instructions"];
    notify("notifications/initialized");
}

bool McpClient::has_capability(const char* name) const
{
    return server_capabilities_.contains(name) && !server_capabilities_[name].is_null();
}

Json McpClient::request(const std::string& method, Json params, const RequestOptions& options)
{
    auto pending = std::make_shared<Pending>();
    pending->notify = options.notify;
    std::int64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        if (closed_) throw McpError(McpError::Kind::closed, closed_reason_);
        id = next_id_++;
        pending_[id] = pending;
    }
    if (options.notify && params.is_object()) {
        // Progress is matched to the call by a token of ours; the request id is unique, so reuse it.
        pending->progress_token = "gaggle-" + std::to_string(id);
        params["_meta"]["progressToken"] = pending->progress_token;
    }
    Json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null() && !(params.is_object() && params.empty())) message["params"] = std::move(params);
    try {
        send_json(message);
    } catch (...) {
        std::lock_guard lock(mutex_);
        pending_.erase(id);
        throw;
    }
    return wait(id, pending, method, options);
}

Json McpClient::wait(std::int64_t id, const std::shared_ptr<Pending>& pending, const std::string& method,
                     const RequestOptions& options)
{
    const auto timeout = options.timeout.value_or(options_.timeout);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string abandon_reason;
    {
        std::unique_lock lock(mutex_);
        while (!pending->response) {
            if (closed_) {
                pending_.erase(id);
                throw McpError(McpError::Kind::closed, closed_reason_);
            }
            const auto now = std::chrono::steady_clock::now();
            if (options.cancel && options.cancel->cancelled()) abandon_reason = "cancelled";
            else if (now >= deadline) abandon_reason = "timed out";
            if (!abandon_reason.empty()) {
                pending_.erase(id);
                break;
            }
            cv_.wait_until(lock, std::min(deadline, now + cancel_poll));
        }
    }
    if (!abandon_reason.empty()) {
        // Tell the server to stop working on it; the answer, if it still comes, is dropped.
        try {
            notify("notifications/cancelled", Json{{"requestId", id}, {"reason", abandon_reason}});
        } catch (const std::exception&) {
        }
        if (abandon_reason == "cancelled") throw McpError(McpError::Kind::cancelled, method + " was cancelled");
        throw McpError(McpError::Kind::timeout, method + " timed out after " +
                                                    std::to_string(timeout.count() / 1000) + " s");
    }
    Json& response = *pending->response;
    if (response.contains("error")) {
        const Json& e = response["error"];
        const std::string message = e.is_object() ? e.value("message", std::string("error")) : e.dump();
        const std::int64_t code = e.is_object() && e.contains("code") && e["code"].is_number_integer() ? e["code"].get<std::int64_t>() : 0;
        const bool not_delivered = e.is_object() && e.contains("data") && e["data"].is_object() &&
                                   e["data"].value("notDelivered", Json(false)) == Json(true);
        throw McpError(not_delivered ? McpError::Kind::not_delivered : McpError::Kind::rpc_error, message, code);
    }
    return response.contains("result") ? response["result"] : Json::object();
}

void McpClient::notify(const std::string& method, Json params)
{
    Json message = {{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null() && !(params.is_object() && params.empty())) message["params"] = std::move(params);
    send_json(message);
}

Json McpClient::list_all(const std::string& method, const std::string& key, const RequestOptions& options)
{
    Json items = Json::array();
    std::string cursor;
    // A server that keeps returning cursors cannot make us loop for ever.
    for (int page = 0; page < 1000; ++page) {
        Json params = Json::object();
        if (!cursor.empty()) params["cursor"] = cursor;
        Json result = request(method, params, options);
        if (result.contains(key) && result[key].is_array())
            for (auto& item : result[key]) items.push_back(std::move(item));
        if (!result.contains("nextCursor") || !result["nextCursor"].is_string()) break;
        const std::string next = result["nextCursor"];
        if (next.empty() || next == cursor) break;
        cursor = next;
    }
    return items;
}

void McpClient::send_json(const Json& message)
{
    const std::string frame = message.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::lock_guard lock(send_mutex_);
    if (!channel_) {
        unsent_.push_back(frame);
        return;
    }
    channel_->send(frame);
}

bool McpClient::closed() const
{
    std::lock_guard lock(mutex_);
    return closed_;
}

std::string McpClient::closed_reason() const
{
    std::lock_guard lock(mutex_);
    return closed_reason_;
}

void McpClient::on_closed(const std::string& reason)
{
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        closed_reason_ = reason.empty() ? "the server closed the connection" : reason;
    }
    cv_.notify_all();
}

void McpClient::on_frame(std::string_view frame)
{
    // A server is outside input: a frame nested deep enough to overflow a stack when the tree is
    // copied is refused before it is parsed.
    if (gaggle::sdk::json_nests_deeper_than(frame)) {
        spdlog::warn("mcp: ignoring a frame nested deeper than {} levels ({} bytes)", gaggle::sdk::max_json_depth, frame.size());
        return;
    }
    Json message = Json::parse(frame, nullptr, false);
    if (message.is_discarded()) {
        spdlog::warn("mcp: ignoring a frame that is not JSON ({} bytes)", frame.size());
        return;
    }
    if (message.is_array()) {
        for (const auto& m : message)
            if (m.is_object()) on_message(m);
        return;
    }
    if (message.is_object()) on_message(message);
}

void McpClient::on_message(const Json& message)
{
    const bool has_method = message.contains("method") && message["method"].is_string();
    const bool has_id = message.contains("id") && !message["id"].is_null();
    if (has_method && has_id) return answer_server_request(message);
    if (has_method) {
        const std::string method = message["method"];
        const Json params = message.contains("params") ? message["params"] : Json::object();
        bool delivered = false;
        if (method == "notifications/progress" || method == "notifications/message") {
            // Progress goes to the call that asked for it; logging to every call running now.
            std::vector<std::function<void(const Json&)>> targets;
            {
                std::lock_guard lock(mutex_);
                const bool progress = method == "notifications/progress";
                const Json token = params.is_object() && params.contains("progressToken") ? params["progressToken"] : Json();
                for (auto& [id, p] : pending_) {
                    if (!p->notify) continue;
                    if (!progress || (token.is_string() && token.get<std::string>() == p->progress_token)) targets.push_back(p->notify);
                }
            }
            for (auto& t : targets) t(message);
            delivered = !targets.empty();
        }
        if (!delivered && options_.on_notification) options_.on_notification(method, params);
        return;
    }
    if (!has_id || !message["id"].is_number_integer()) return; // not an answer to anything of ours
    const std::int64_t id = message["id"].get<std::int64_t>();
    {
        std::lock_guard lock(mutex_);
        auto it = pending_.find(id);
        if (it == pending_.end()) return; // timed out or cancelled already
        it->second->response = message;
        pending_.erase(it);
    }
    cv_.notify_all();
}

void McpClient::answer_server_request(const Json& request)
{
    const std::string method = request["method"];
    const Json& id = request["id"];
    if (method == "ping") return send_json(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", Json::object()}});
    if (method == "roots/list") {
        Json roots = Json::array();
        if (!options_.working_dir.empty())
            roots.push_back(Json{{"uri", "file://" + options_.working_dir}, {"name", root_name(options_.working_dir)}});
        return send_json(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"roots", roots}}}});
    }
    if (method == "sampling/createMessage" && options_.sampling) return answer_on_helper(request, options_.sampling, "sampling");
    if (method == "elicitation/create" && options_.elicitation) return answer_on_helper(request, options_.elicitation, "elicitation");
    std::string message = "Method not found: " + method;
    if (method == "sampling/createMessage") message = "sampling is not supported by this client";
    else if (method == "elicitation/create") message = "elicitation is not supported by this client";
    try {
        send_json(rpc_error(id, method_not_found, message));
    } catch (const std::exception& e) {
        spdlog::debug("mcp: could not answer {}: {}", method, e.what());
    }
}

void McpClient::answer_on_helper(const Json& request, const std::function<Json(const Json&)>& answer, const std::string& what)
{
    // A model call or a person's answer can take long: never hold up the frames behind it.
    Json copy = request;
    std::lock_guard lock(mutex_);
    helpers_.emplace_back([this, copy, answer, what] {
        try {
            Json result = answer(copy.contains("params") ? copy["params"] : Json::object());
            send_json(Json{{"jsonrpc", "2.0"}, {"id", copy["id"]}, {"result", result}});
        } catch (const std::exception& e) {
            try {
                send_json(rpc_error(copy["id"], -32603, what + " failed: " + e.what()));
            } catch (const std::exception&) {
            }
        }
    });
}

} // namespace gaggle::mcp
