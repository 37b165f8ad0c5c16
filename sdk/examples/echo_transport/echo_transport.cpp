// Example transport: extension type `echo`, an MCP server living inside the plugin with one tool,
// `echo`, that answers with its `text` argument. It shows the transport contract with the C++
// wrapper: send() only queues the frame; one thread per connection answers and delivers every
// inbound frame in order (calls for one connection never overlap); deleting the connection (the
// host's close()) joins that thread, so no frame arrives after close() has returned. A transport to
// a real server (a socket, a pipe) has the same shape, with the thread reading the server instead.
#include <gaggle/cpp/plugin.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <thread>

namespace {
using json = nlohmann::json;
namespace sdk = gaggle::sdk;

// The MCP server: the JSON-RPC answer to one message, or null for a notification.
json answer(const json& msg)
{
    if (!msg.is_object()) return {{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "parse error"}}}};
    if (!msg.contains("id")) return nullptr; // notifications/initialized and the like
    const std::string method = msg.value("method", "");
    const json params = msg.value("params", json::object());
    json reply{{"jsonrpc", "2.0"}, {"id", msg["id"]}};
    if (method == "initialize")
        reply["result"] = {{"protocolVersion", params.value("protocolVersion", "2025-03-26")},
                           {"capabilities", {{"tools", json::object()}}},
                           {"serverInfo", {{"name", "echo"}, {"version", "1.0.0"}}}};
    else if (method == "tools/list")
        reply["result"] = {{"tools", {{{"name", "echo"}, {"description", "Answers with its text"},
                                       {"inputSchema", {{"type", "object"}, {"required", {"text"}},
                                                        {"properties", {{"text", {{"type", "string"}}}}}}}}}}};
    else if (method == "tools/call" && params.value("name", "") == "echo")
        reply["result"] = {{"content", {{{"type", "text"}, {"text", params.value("arguments", json::object()).value("text", "")}}}},
                           {"isError", false}};
    else if (method == "ping")
        reply["result"] = json::object();
    else
        reply["error"] = {{"code", -32601}, {"message", "no such method or tool: " + method}};
    return reply;
}

class EchoConnection : public sdk::Connection {
public:
    explicit EchoConnection(sdk::FrameSink sink) : sink_(sink), worker_([this] { run(); }) {}
    ~EchoConnection() override
    {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        wake_.notify_one();
        worker_.join(); // safe: the host never calls close() from inside on_frame or on_closed
    }
    void send(std::string_view frame) override
    {
        std::lock_guard lock(mutex_);
        inbox_.emplace_back(frame);
        wake_.notify_one();
    }

private:
    void run()
    {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return closing_ || !inbox_.empty(); });
            if (closing_) return;
            const std::string frame = std::move(inbox_.front());
            inbox_.pop_front();
            lock.unlock(); // the host may send() from inside on_frame: never hold the lock across it
            const json reply = answer(json::parse(frame, nullptr, false));
            if (!reply.is_null()) sink_.frame(reply.dump());
            lock.lock();
        }
    }

    sdk::FrameSink sink_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> inbox_;
    bool closing_ = false;
    std::thread worker_; // last, so it starts after everything it uses
};

class EchoTransport : public sdk::Plugin, public sdk::Transport {
public:
    EchoTransport(sdk::Host host, std::string_view) : Plugin(host) {}
    const char* const* types() const noexcept override
    {
        static const char* const served[] = {"echo", nullptr};
        return served;
    }
    sdk::Connection* open(std::string_view, const sdk::OpenContext&, sdk::FrameSink inbound) override
    {
        return new EchoConnection(inbound);
    }
};

} // namespace

GAGGLE_PLUGIN(EchoTransport, "echo_transport", "Echo transport (example)", "1.0.0",
              "An in-process MCP server with one tool, echo")
