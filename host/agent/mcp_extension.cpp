#include "agent/mcp_extension.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace gaggle {
namespace {

Json error_result(const std::string& text)
{
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

ToolSpec to_spec(const Json& tool)
{
    ToolSpec t;
    t.name = tool.value("name", std::string());
    if (tool.contains("description") && tool["description"].is_string()) t.description = tool["description"];
    if (tool.contains("inputSchema") && tool["inputSchema"].is_object()) t.input_schema = tool["inputSchema"];
    if (tool.contains("annotations") && tool["annotations"].is_object()) {
        const Json& a = tool["annotations"];
        t.read_only = a.contains("readOnlyHint") && a["readOnlyHint"].is_boolean() && a["readOnlyHint"].get<bool>();
    }
    return t;
}

} // namespace

const char* to_string(ExtensionState state)
{
    switch (state) {
    case ExtensionState::starting: return "starting";
    case ExtensionState::ready: return "ready";
    case ExtensionState::failed: return "failed";
    case ExtensionState::stopped: return "stopped";
    }
    return "unknown";
}

McpExtension::McpExtension(mcp::ExtensionSpec spec, mcp::ChannelOpener opener, mcp::ClientOptions options)
    : spec_(std::move(spec)), opener_(std::move(opener)), options_(std::move(options))
{
}

McpExtension::~McpExtension() { stop(); }

void McpExtension::begin_start()
{
    std::lock_guard lock(mutex_);
    health_ = {ExtensionState::starting, ""};
    starter_ = std::thread([this] {
        std::lock_guard one(restart_mutex_);
        start_now();
    });
}

ExtensionHealth McpExtension::wait_started()
{
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return health_.state != ExtensionState::starting; });
    return health_;
}

ExtensionHealth McpExtension::health() const
{
    std::lock_guard lock(mutex_);
    return health_;
}

std::string McpExtension::instructions() const
{
    // A turn asks while the server may still be starting, as it asks for the tools: wait for it.
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return health_.state != ExtensionState::starting; });
    return client_ ? client_->instructions() : std::string();
}

void McpExtension::start_now()
{
    mcp::ClientOptions options = options_;
    options.timeout = spec_.timeout;
    options.on_notification = [this](const std::string& method, const Json&) { on_notification(method); };
    options.elicitation = [this](const Json& params) { return elicit(params); };
    auto client = std::make_shared<mcp::McpClient>(options);
    {
        std::lock_guard lock(mutex_);
        if (health_.state == ExtensionState::stopped) return;
        connecting_ = client;
    }
    try {
        client->connect(opener_);
        refresh_tools(client);
        std::lock_guard lock(mutex_);
        connecting_.reset();
        if (health_.state == ExtensionState::stopped) return; // stopped while starting: client closes below
        client_ = client;
        health_ = {ExtensionState::ready, ""};
    } catch (const std::exception& e) {
        std::string reason = e.what();
        // A server that exits during start-up explains itself on stderr, which comes with the close
        // reason; a failed write can be noticed a moment before the exit is, so wait for it briefly.
        for (int i = 0; i < 20 && !client->closed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (client->closed() && client->closed_reason() != reason) reason += " (" + client->closed_reason() + ")";
        spdlog::warn("extension {} failed to start: {}", spec_.name, reason);
        std::lock_guard lock(mutex_);
        connecting_.reset();
        if (health_.state != ExtensionState::stopped) health_ = {ExtensionState::failed, reason};
    }
    cv_.notify_all();
}

void McpExtension::refresh_tools(const std::shared_ptr<mcp::McpClient>& client)
{
    std::vector<ToolSpec> tools;
    if (client->has_capability("tools")) {
        {
            std::lock_guard lock(mutex_);
            tools_stale_ = false;
        }
        for (const auto& t : client->list_all("tools/list", "tools")) {
            if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
            ToolSpec spec = to_spec(t);
            if (!spec_.available_tools.empty() &&
                std::find(spec_.available_tools.begin(), spec_.available_tools.end(), spec.name) == spec_.available_tools.end())
                continue;
            tools.push_back(std::move(spec));
        }
    }
    std::lock_guard lock(mutex_);
    tools_ = std::move(tools);
}

void McpExtension::on_notification(const std::string& method)
{
    if (method == "notifications/tools/list_changed") {
        std::lock_guard lock(mutex_);
        tools_stale_ = true; // fetched again at the next listing, not on every provider round
    }
}

void McpExtension::stop()
{
    std::shared_ptr<mcp::McpClient> client;
    {
        std::lock_guard lock(mutex_);
        health_ = {ExtensionState::stopped, ""};
        client = std::move(client_);
        if (connecting_) connecting_->abort("the extension was stopped while starting");
    }
    cv_.notify_all();
    if (starter_.joinable() && starter_.get_id() != std::this_thread::get_id()) starter_.join();
    client.reset(); // the last reference closes the channel (a call in flight keeps its own)
}

std::shared_ptr<mcp::McpClient> McpExtension::live_client(const std::shared_ptr<mcp::McpClient>& dead)
{
    wait_started();
    auto usable = [&] { return health_.state == ExtensionState::ready && client_ && client_ != dead && !client_->closed(); };
    {
        std::lock_guard lock(mutex_);
        if (health_.state == ExtensionState::stopped) throw std::runtime_error("the extension " + spec_.name + " was stopped");
        if (usable()) return client_;
    }
    // It died (or never came up): start it again, once, whoever asks first.
    std::lock_guard one(restart_mutex_);
    {
        std::lock_guard lock(mutex_);
        if (usable()) return client_;
        if (health_.state == ExtensionState::stopped) throw std::runtime_error("the extension " + spec_.name + " was stopped");
        health_ = {ExtensionState::starting, ""};
        client_.reset();
    }
    spdlog::info("extension {}: starting the server again", spec_.name);
    start_now();
    std::lock_guard lock(mutex_);
    if (health_.state != ExtensionState::ready || !client_)
        throw std::runtime_error("the extension " + spec_.name + " is not running: " + health_.error);
    return client_;
}

std::vector<ToolSpec> McpExtension::list_tools()
{
    ExtensionHealth h = wait_started();
    std::shared_ptr<mcp::McpClient> client;
    {
        std::lock_guard lock(mutex_);
        if (h.state == ExtensionState::ready && tools_stale_ && client_ && !client_->closed()) client = client_;
        else return tools_;
    }
    try {
        refresh_tools(client);
    } catch (const std::exception& e) {
        spdlog::warn("extension {}: refreshing the tool list failed: {}", spec_.name, e.what());
    }
    std::lock_guard lock(mutex_);
    return tools_;
}

Json McpExtension::call_tool(const ToolContext& context, const std::string& tool, const Json& arguments)
{
    std::shared_ptr<mcp::McpClient> client;
    try {
        client = live_client();
    } catch (const std::exception& e) {
        return error_result(e.what());
    }
    Json params = {{"name", tool}, {"arguments", arguments.is_object() ? arguments : Json::object()}};
    params["_meta"] = {{"agent-session-id", context.session_id}, {"agent-working-dir", context.working_dir},
                       {"agent-tool-call-request-id", context.tool_request_id}};
    mcp::RequestOptions options;
    options.cancel = context.cancel;
    options.notify = context.notify;
    const auto active = begin_call(context);
    struct EndCall {
        McpExtension* self;
        std::shared_ptr<ActiveCall> call;
        ~EndCall() { self->end_call(call); }
    } end_call_on_exit{this, active};
    try {
        Json result;
        try {
            result = client->request("tools/call", params, options);
        } catch (const mcp::McpError& e) {
            if (e.kind() != mcp::McpError::Kind::not_delivered) throw;
            // The server forgot our session before it read the call: once more on a new one.
            spdlog::info("extension {}: {}; calling {} again on a new session", spec_.name, e.what(), tool);
            result = live_client(client)->request("tools/call", params, options);
        }
        if (!result.is_object() || !result.contains("content") || !result["content"].is_array())
            return error_result("The extension " + spec_.name + " answered tools/call without content");
        return result;
    } catch (const mcp::McpError& e) {
        switch (e.kind()) {
        case mcp::McpError::Kind::closed:
        case mcp::McpError::Kind::not_delivered:
            return error_result("The extension " + spec_.name + " stopped during the call: " + e.what() +
                                ". It will be started again on its next use.");
        case mcp::McpError::Kind::timeout:
            return error_result("The extension " + spec_.name + " did not answer: " + e.what());
        case mcp::McpError::Kind::cancelled:
            return error_result("The tool call was cancelled.");
        case mcp::McpError::Kind::rpc_error:
            break;
        }
        return error_result("The extension " + spec_.name + " returned an error (" + std::to_string(e.code()) + "): " + e.what());
    } catch (const std::exception& e) {
        return error_result("The extension " + spec_.name + " could not be reached: " + e.what());
    }
}

std::shared_ptr<McpExtension::ActiveCall> McpExtension::begin_call(const ToolContext& context)
{
    auto call = std::make_shared<ActiveCall>(ActiveCall{&context});
    std::lock_guard lock(calls_mutex_);
    active_calls_.push_back(call);
    return call;
}

void McpExtension::end_call(const std::shared_ptr<ActiveCall>& call)
{
    std::unique_lock lock(calls_mutex_);
    active_calls_.remove(call);
    call->ended = true;
    // The context dies when this returns: wait for a question still using it to give up.
    calls_cv_.wait(lock, [&] { return call->askers == 0; });
}

Json McpExtension::elicit(const Json& params)
{
    std::shared_ptr<ActiveCall> call;
    {
        std::lock_guard lock(calls_mutex_);
        // MCP does not say which call a question belongs to; the latest one in flight is the
        // one whose server is waiting on it in every case but concurrent calls to one server.
        if (!active_calls_.empty() && active_calls_.back()->context->elicit) call = active_calls_.back();
        if (!call) return Json{{"action", "decline"}};
        ++call->askers;
    }
    Json answer;
    try {
        answer = call->context->elicit(params, [this, call] {
            std::lock_guard lock(calls_mutex_);
            return call->ended;
        });
    } catch (const std::exception& e) {
        spdlog::warn("extension {}: elicitation failed: {}", spec_.name, e.what());
        answer = Json{{"action", "cancel"}};
    }
    {
        std::lock_guard lock(calls_mutex_);
        --call->askers;
    }
    calls_cv_.notify_all();
    return answer;
}

Json McpExtension::request(const std::string& method, const Json& params)
{
    auto client = live_client();
    try {
        return client->request(method, params);
    } catch (const mcp::McpError& e) {
        if (e.kind() != mcp::McpError::Kind::not_delivered) throw;
        return live_client(client)->request(method, params); // refused unread: once more on a new session
    }
}

Json McpExtension::list(const std::string& method, const std::string& key)
{
    auto client = live_client();
    try {
        return client->list_all(method, key);
    } catch (const mcp::McpError& e) {
        if (e.kind() != mcp::McpError::Kind::not_delivered) throw;
        return live_client(client)->list_all(method, key);
    }
}

} // namespace gaggle
