#pragma once
// One MCP server as a ToolSource: its lifecycle (starting, ready, failed, stopped), its cached
// tool list (refreshed only when the server says notifications/tools/list_changed), and its
// calls. A server that dies is restarted on the next use; the call it died in answers a clear
// error instead.
#include "agent/tool_source.hpp"
#include "mcp/extension_config.hpp"
#include "mcp/mcp_client.hpp"

#include <condition_variable>
#include <list>
#include <thread>

namespace gaggle {

enum class ExtensionState { starting, ready, failed, stopped };
const char* to_string(ExtensionState state);

struct ExtensionHealth {
    ExtensionState state = ExtensionState::starting;
    std::string error; // why it failed (with the server's last stderr lines when it has some)
};

class McpExtension final : public ToolSource {
public:
    McpExtension(mcp::ExtensionSpec spec, mcp::ChannelOpener opener, mcp::ClientOptions options);
    ~McpExtension() override;

    // Starts the server on a thread of its own; wait_started() collects the outcome.
    void begin_start();
    ExtensionHealth wait_started();
    ExtensionHealth health() const;
    const mcp::ExtensionSpec& spec() const noexcept { return spec_; }
    // Closes the connection (the transport ends the server); calls in flight fail.
    void stop();

    const std::string& extension_name() const override { return spec_.key; }
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;

    // Any other request (resources/read, prompts/get, ...) on the live server; throws McpError
    // or std::runtime_error when the server cannot be reached.
    Json request(const std::string& method, const Json& params);
    Json list(const std::string& method, const std::string& key);
    std::string instructions() const override;

private:
    void start_now();
    void refresh_tools(const std::shared_ptr<mcp::McpClient>& client);
    // The running client, restarting a server that died (or whose client is `dead`: its session
    // ended); throws with the reason when it cannot.
    std::shared_ptr<mcp::McpClient> live_client(const std::shared_ptr<mcp::McpClient>& dead = nullptr);
    void on_notification(const std::string& method);
    // Answers the server's elicitation/create (on an MCP client thread) through the call in
    // flight that it belongs to; declines when no call is in flight or nobody can answer.
    Json elicit(const Json& params);

    // A tools/call in flight. The server's questions reach the person through its context; the
    // call does not return while one is being asked, and `ended` releases the asker.
    struct ActiveCall {
        const ToolContext* context;
        bool ended = false;
        int askers = 0;
    };
    std::shared_ptr<ActiveCall> begin_call(const ToolContext& context);
    void end_call(const std::shared_ptr<ActiveCall>& call);

    const mcp::ExtensionSpec spec_;
    const mcp::ChannelOpener opener_;
    const mcp::ClientOptions options_;

    mutable std::mutex mutex_;
    mutable std::condition_variable cv_; // waited on by const readers too (instructions)
    ExtensionHealth health_;
    std::shared_ptr<mcp::McpClient> client_;
    std::shared_ptr<mcp::McpClient> connecting_; // the client of a start in progress
    std::vector<ToolSpec> tools_;
    bool tools_stale_ = false;
    std::thread starter_;
    std::mutex restart_mutex_; // one restart at a time
    std::mutex calls_mutex_;
    std::condition_variable calls_cv_;
    std::list<std::shared_ptr<ActiveCall>> active_calls_;
};

} // namespace gaggle
