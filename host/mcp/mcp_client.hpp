#pragma once
// An MCP client: JSON-RPC 2.0 over a FrameChannel, the MCP lifecycle (initialize, version
// negotiation, initialized), requests with per-request timeouts and cancellation, and answers to
// every request the server sends us. One client per connection; thread-safe.
//
// Our requests use our id counter; the server's requests carry ids from its own space and are
// answered with exactly the id they came with, so the two never collide.
#include "agent/cancel_token.hpp"
#include "common/json.hpp"
#include "mcp/frame_channel.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gaggle::mcp {

// Newest first: what we offer, and what we accept back.
inline const std::vector<std::string> supported_protocol_versions{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

// A request that did not produce a result: a JSON-RPC error from the server, a timeout, a
// cancellation or a closed connection (code 0 for the last three; see kind).
class McpError : public std::runtime_error {
public:
    // not_delivered: the transport says the server refused the request unread (its session had
    // ended; transport.h), so sending it again on a new connection is safe.
    enum class Kind { rpc_error, timeout, cancelled, closed, not_delivered };
    McpError(Kind kind, const std::string& message, std::int64_t code = 0)
        : std::runtime_error(message), kind_(kind), code_(code) {}
    Kind kind() const noexcept { return kind_; }
    std::int64_t code() const noexcept { return code_; }

private:
    Kind kind_;
    std::int64_t code_;
};

struct ClientOptions {
    std::string client_name = "gaggle";
    std::string client_version = "0";
    std::chrono::milliseconds timeout{std::chrono::seconds(300)}; // every request
    std::string working_dir;                                      // answered to roots/list
    // Answers sampling/createMessage with a CreateMessageResult; when empty the capability is not
    // declared and such requests get a JSON-RPC error. Runs on a thread of its own.
    std::function<Json(const Json& params)> sampling;
    // Answers elicitation/create with an ElicitResult ({action, content}); when empty the
    // capability is not declared and such requests get a JSON-RPC error. Runs on a thread of its own.
    std::function<Json(const Json& params)> elicitation;
    // Notifications not tied to a request (list_changed, logging with no call running, ...).
    std::function<void(const std::string& method, const Json& params)> on_notification;
};

struct RequestOptions {
    const CancelToken* cancel = nullptr;
    // Receives progress notifications for this request, and logging notifications while it runs.
    std::function<void(const Json& notification)> notify;
    std::optional<std::chrono::milliseconds> timeout; // else the client's
};

class McpClient {
public:
    explicit McpClient(ClientOptions options);
    ~McpClient(); // closes the channel
    McpClient(const McpClient&) = delete;
    McpClient& operator=(const McpClient&) = delete;

    // Opens the channel and runs the initialize handshake; throws McpError or std::runtime_error.
    void connect(const ChannelOpener& open);

    Json request(const std::string& method, Json params = Json::object(), const RequestOptions& options = {});
    void notify(const std::string& method, Json params = Json::object());

    // All pages of a paginated list (tools/list, resources/list, ...): the items under `key`.
    Json list_all(const std::string& method, const std::string& key, const RequestOptions& options = {});

    const std::string& protocol_version() const noexcept { return protocol_version_; }
    const Json& server_capabilities() const noexcept { return server_capabilities_; }
    const Json& server_info() const noexcept { return server_info_; }
    const std::string& instructions() const noexcept { return instructions_; }
    bool has_capability(const char* name) const;

    // Fails every request waiting now or later with `reason` (used to stop a start-up early).
    void abort(const std::string& reason) { on_closed(reason); }
    bool closed() const;
    std::string closed_reason() const;

private:
    struct Pending {
        std::optional<Json> response;
        std::string progress_token;
        std::function<void(const Json&)> notify;
    };

    void on_frame(std::string_view frame);
    void on_message(const Json& message);
    void on_closed(const std::string& reason);
    void answer_server_request(const Json& request);
    void answer_on_helper(const Json& request, const std::function<Json(const Json&)>& answer, const std::string& what);
    void send_json(const Json& message);
    Json wait(std::int64_t id, const std::shared_ptr<Pending>& pending, const std::string& method,
              const RequestOptions& options);

    ClientOptions options_;
    std::mutex send_mutex_;
    std::unique_ptr<FrameChannel> channel_;
    std::vector<std::string> unsent_; // frames answered before open() returned

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::int64_t next_id_ = 1;
    std::map<std::int64_t, std::shared_ptr<Pending>> pending_;
    bool closed_ = false;
    std::string closed_reason_;
    std::vector<std::thread> helpers_; // threads answering sampling and elicitation requests

    std::string protocol_version_;
    Json server_capabilities_ = Json::object();
    Json server_info_ = Json::object();
    std::string instructions_;
};

} // namespace gaggle::mcp
