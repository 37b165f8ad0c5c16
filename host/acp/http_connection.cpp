#include "acp/http_connection.hpp"

namespace gaggle::acp {
namespace {

// What one client's streams may hold unread before the oldest client is judged gone.
constexpr std::size_t max_queued_bytes = 16 * 1024 * 1024;

class QueueFeed final : public StreamFeed {
public:
    explicit QueueFeed(std::shared_ptr<SseQueue> q) : q_(std::move(q)) {}
    void attach(std::function<void()> wake) override
    {
        std::lock_guard lock(q_->mutex);
        q_->wake = std::move(wake);
    }
    bool pull(std::string& out) override
    {
        std::lock_guard lock(q_->mutex);
        out += std::exchange(q_->text, {});
        return !q_->closed;
    }
    void detach() override
    {
        std::lock_guard lock(q_->mutex);
        q_->wake = nullptr;
        q_->attached = false; // the client may open it again; what comes meanwhile waits
    }
    bool overrun(std::size_t bound) override
    {
        std::lock_guard lock(q_->mutex);
        return q_->text.size() > bound;
    }

private:
    std::shared_ptr<SseQueue> q_;
};

std::string session_of(const Json& message)
{
    auto params = message.find("params");
    if (params == message.end() || !params->is_object()) return {};
    auto s = params->find("sessionId");
    return s != params->end() && s->is_string() ? s->get<std::string>() : std::string();
}

} // namespace

HttpConnection::HttpConnection(AppContext& app, std::string id, std::string owner)
    : id_(std::move(id)), owner_(std::move(owner)), connection_(std::make_unique<Connection>(app, *this, owner_))
{
}

HttpConnection::~HttpConnection() { close(); }

std::shared_ptr<SseQueue> HttpConnection::queue(const std::string& key)
{
    auto& q = queues_[key];
    if (!q) q = std::make_shared<SseQueue>();
    return q;
}

Json HttpConnection::initialize(const std::string& body, const Json& request_id)
{
    {
        std::lock_guard lock(mutex_);
        capturing_ = true;
        capture_id_ = request_id;
    }
    connection_->receive(body);
    std::lock_guard lock(mutex_);
    capturing_ = false;
    return captured_.value_or(Json());
}

void HttpConnection::post(const std::string& body, const Json& parsed)
{
    // A request about a session is answered on that session's stream, where the client waits.
    if (parsed.is_object() && parsed.contains("method") && parsed.contains("id"))
        if (const std::string session = session_of(parsed); !session.empty()) {
            std::lock_guard lock(mutex_);
            request_sessions_[parsed["id"].dump()] = session;
        }
    connection_->receive(body);
}

void HttpConnection::send(const Json& message)
{
    std::shared_ptr<SseQueue> q;
    {
        std::lock_guard lock(mutex_);
        const bool response = !message.contains("method") && message.contains("id");
        if (capturing_ && response && message["id"] == capture_id_) {
            captured_ = message;
            return;
        }
        std::string key = session_of(message);
        if (response) {
            if (auto it = request_sessions_.find(message["id"].dump()); it != request_sessions_.end()) {
                key = it->second;
                request_sessions_.erase(it);
            }
        }
        q = queue(key);
    }
    const std::string frame = "data: " + message.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n\n";
    std::lock_guard lock(q->mutex);
    if (q->closed) return;
    if (q->text.size() + frame.size() > max_queued_bytes) {
        q->closed = true; // a client that reads nothing is not kept in memory forever
    } else {
        q->text += frame;
    }
    if (q->wake) q->wake();
}

std::unique_ptr<StreamFeed> HttpConnection::open_stream(const std::string& key)
{
    std::shared_ptr<SseQueue> q;
    {
        std::lock_guard lock(mutex_);
        q = queue(key);
    }
    std::lock_guard lock(q->mutex);
    if (q->attached || q->closed) return nullptr;
    q->attached = true;
    return std::make_unique<QueueFeed>(q);
}

bool HttpConnection::has_open_stream()
{
    std::lock_guard lock(mutex_);
    for (auto& [key, q] : queues_) {
        std::lock_guard qlock(q->mutex);
        if (q->attached) return true;
    }
    return false;
}

void HttpConnection::close()
{
    connection_->close();
    std::lock_guard lock(mutex_);
    for (auto& [key, q] : queues_) {
        std::lock_guard qlock(q->mutex);
        q->closed = true;
        if (q->wake) q->wake();
    }
}

} // namespace gaggle::acp
