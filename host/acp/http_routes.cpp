#include "acp/http_routes.hpp"

#include "acp/http_connection.hpp"
#include "acp/websocket_connection.hpp"
#include "agent/messages.hpp"
#include "common/error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/stream_handoff.hpp"
#include "http/websocket_upgrade.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace gaggle::acp {
namespace {

constexpr std::size_t max_connections = 64;
constexpr const char* connection_header = "Acp-Connection-Id";
constexpr const char* session_header = "Acp-Session-Id";

class Registry {
public:
    std::shared_ptr<HttpConnection> find(const Request& req)
    {
        if (!req.has_header(connection_header)) throw invalid_argument(std::string("header `") + connection_header + "` is required");
        const std::string id = req.header(connection_header);
        std::lock_guard lock(mutex_);
        auto it = by_id_.find(id);
        // Another user's connection is as unknown as one that never was.
        if (it == by_id_.end() || it->second->owner() != req.user_id()) throw not_found("No ACP connection " + id);
        return it->second;
    }
    // When full, connections whose client no longer reads any stream (it left without DELETE)
    // make room; only live ones count against the limit.
    void add(std::shared_ptr<HttpConnection> c)
    {
        std::vector<std::shared_ptr<HttpConnection>> gone;
        {
            std::lock_guard lock(mutex_);
            if (by_id_.size() >= max_connections) {
                for (auto it = by_id_.begin(); it != by_id_.end();) {
                    if (!it->second->has_open_stream()) {
                        gone.push_back(std::move(it->second));
                        it = by_id_.erase(it);
                    } else {
                        ++it;
                    }
                }
            }
            if (by_id_.size() < max_connections) by_id_[c->id()] = std::move(c);
        }
        for (auto& g : gone) g->close(); // outside the lock: closing waits for their turns
        if (c) throw Error(ErrorKind::unavailable, "Too many ACP connections; DELETE /acp the unused ones");
    }
    std::shared_ptr<HttpConnection> remove(const Request& req)
    {
        auto c = find(req);
        std::lock_guard lock(mutex_);
        by_id_.erase(c->id());
        return c;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<HttpConnection>> by_id_;
};

// The WebSocket connections: each runs on its own thread, so their number is bounded, and the
// server's stop closes them (and waits) while the agent core they use is still there.
class WebSockets {
public:
    void open(AppContext& app, Request& req, Response& res)
    {
        check_websocket_handshake(req);
        reap();
        std::lock_guard lock(mutex_);
        if (stopped_) throw Error(ErrorKind::unavailable, "the server is stopping");
        if (open_.size() >= max_connections)
            throw Error(ErrorKind::unavailable, "Too many ACP WebSocket connections; close the unused ones");
        const std::string id = "acp_" + new_message_id().substr(4);
        res.header(connection_header, id);
        WebSocketUpgrade upgrade = WebSocketUpgrade::accept(req, res);
        auto connection =
            std::make_unique<WebSocketConnection>(app, id, req.user_id(), std::move(upgrade.socket), std::move(upgrade.client_slot));
        connection->start();
        open_.push_back(std::move(connection));
    }
    void close_all()
    {
        std::vector<std::unique_ptr<WebSocketConnection>> all;
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
            all.swap(open_);
        }
        for (auto& c : all) c->close(); // outside the lock: closing waits for their turns
    }
    ~WebSockets() { close_all(); }

private:
    // Joins the threads of connections whose client has left.
    void reap()
    {
        std::vector<std::unique_ptr<WebSocketConnection>> done;
        {
            std::lock_guard lock(mutex_);
            for (auto it = open_.begin(); it != open_.end();) {
                if ((*it)->finished()) {
                    done.push_back(std::move(*it));
                    it = open_.erase(it);
                } else {
                    ++it;
                }
            }
        }
        done.clear();
    }

    std::mutex mutex_;
    std::vector<std::unique_ptr<WebSocketConnection>> open_;
    bool stopped_ = false;
};

// A browser adds Origin to every cross-site request it sends; editors and the desktop's main
// process send none. Only origins the operator listed by name may drive the agent from a page.
bool origin_allowed(const AppContext& app, const Request& req)
{
    if (!req.has_header("Origin")) return true;
    const std::string origin = req.header("Origin");
    for (const auto& allowed : app.settings.cors_origins)
        if (allowed == origin) return true;
    return false;
}

} // namespace

std::function<void()> register_http_routes(Router& router, AppContext& app)
{
    auto registry = std::make_shared<Registry>();
    auto websockets = std::make_shared<WebSockets>();
    const char* refused = "/acp does not accept requests from web pages (Origin not listed in the CORS setting)";

    router.add(
        "POST", "/acp",
        [&app, registry, refused](Request& req, Response& res) {
            if (!origin_allowed(app, req)) return res.error(403, refused);
            const Json& body = req.json();
            if (req.has_header(connection_header)) {
                registry->find(req)->post(req.body(), body);
                res.empty(202);
                return;
            }
            if (!body.is_object() || body.value("method", Json()) != "initialize" || !body.contains("id"))
                throw invalid_argument("a new ACP connection starts with an initialize request (there is no `Acp-Connection-Id` header)");
            auto connection = std::make_shared<HttpConnection>(app, "acp_" + new_message_id().substr(4), req.user_id());
            const Json answer = connection->initialize(req.body(), body["id"]);
            if (!answer.is_object() || !answer.contains("result")) {
                const Json error = answer.is_object() ? answer.value("error", Json::object()) : Json::object();
                throw invalid_argument(error.is_object() ? error.value("message", std::string("initialize failed")) : "initialize failed");
            }
            registry->add(connection);
            res.header(connection_header, connection->id());
            res.json(answer);
        },
        RouteOptions{.auth = true, .json_body = true, .max_body = 50 * 1024 * 1024});

    router.add("GET", "/acp", [&app, registry, websockets, refused](Request& req, Response& res) {
        if (!origin_allowed(app, req)) return res.error(403, refused);
        if (wants_websocket(req)) return websockets->open(app, req, res);
        auto connection = registry->find(req);
        std::string key;
        if (req.has_header(session_header)) {
            key = req.header(session_header);
            app.sessions.get_session(connection->owner(), key); // not_found for a session not the user's
        }
        auto feed = connection->open_stream(key);
        if (!feed) throw conflict("This ACP stream is already open (or was closed)");
        res.header("Cache-Control", "no-cache");
        hand_off_stream(req, res, std::move(feed));
    });

    router.add("DELETE", "/acp", [&app, registry, refused](Request& req, Response& res) {
        if (!origin_allowed(app, req)) return res.error(403, refused);
        registry->remove(req)->close();
        res.empty(200);
    });
    return [websockets] { websockets->close_all(); };
}

} // namespace gaggle::acp
