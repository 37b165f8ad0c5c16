#include "streamable_http_connection.hpp"

#include "gaggle_providers/errors.hpp"

#include <algorithm>
#include <cctype>

namespace gaggle::http_transport {

using namespace std::chrono_literals;

namespace {

constexpr int max_resumptions = 5;       // attempts to resume one request's stream
constexpr int max_listen_failures = 5;   // GET streams in a row that carried nothing
constexpr std::size_t max_session_id = 1024;

// A server's `retry:` is honoured, up to this much.
constexpr std::chrono::milliseconds max_retry_wait = 60s;

std::chrono::milliseconds retry_wait(long retry_ms, std::chrono::milliseconds fallback)
{
    return retry_ms >= 0 ? std::min<std::chrono::milliseconds>(std::chrono::milliseconds(retry_ms), max_retry_wait) : fallback;
}

// The spec's answer to a session id the server no longer knows is 404; servers built on the MCP
// SDK's examples answer 400 "No valid session ID provided" instead. Either way the request was
// refused before anything ran.
bool session_refused(const Exchange& response)
{
    if (response.status == 404) return true;
    if (response.status != 400) return false;
    std::string detail = providers::error_message_from_body(response.body);
    std::transform(detail.begin(), detail.end(), detail.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return detail.find("session") != std::string::npos;
}

bool is_request(const Json& m) { return m.is_object() && m.contains("method") && m.contains("id") && !m["id"].is_null(); }

// The spec allows only visible ASCII in a session id; anything else could not be sent back.
bool valid_session_id(const std::string& id)
{
    return !id.empty() && id.size() <= max_session_id &&
           std::all_of(id.begin(), id.end(), [](unsigned char c) { return c >= 0x21 && c <= 0x7e; });
}

} // namespace

StreamableHttpConnection::StreamableHttpConnection(const sdk::Host& host, Endpoint endpoint, sdk::FrameSink sink)
    : host_(host), http_(host), endpoint_(std::move(endpoint)), inbound_(host, sink)
{
}

StreamableHttpConnection::~StreamableHttpConnection()
{
    {
        std::lock_guard lock(pause_mutex_);
        closing_.store(true); // every transfer's StopFlag sees it within the host's watchdog tick
    }
    pause_cv_.notify_all();
    {
        std::lock_guard lock(state_mutex_); // a waiter checks closing_ under it: no wake-up is lost
    }
    listen_answered_cv_.notify_all();
    inbound_.shut();
    std::string session;
    {
        std::lock_guard lock(state_mutex_);
        session = session_id_;
    }
    if (!session.empty()) {
        // End the session on the server (2025-03-26 §Session Management); a server that does not
        // allow it answers 405, and one that is gone costs at most the short timeouts.
        providers::HttpRequest del = request("DELETE", false);
        del.connect_timeout = std::min<std::chrono::milliseconds>(endpoint_.connect_timeout, 2s);
        del.idle_timeout = 2s;
        StopFlag never;
        (void)exchange(http_, del, {}, sdk::Cancel(never.raw()));
    }
    tasks_.stop();
}

void StreamableHttpConnection::send(std::string_view frame_json)
{
    Json message = Json::parse(frame_json, nullptr, false);
    if (message.is_discarded()) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "the frame to send is not JSON");
    if (message.is_object() && message.value("method", "") == "notifications/cancelled" && message.contains("params") &&
        message["params"].is_object() && message["params"].contains("requestId")) {
        // The host gave up on that request: stop reading its answer too.
        std::lock_guard lock(state_mutex_);
        if (auto it = in_flight_.find(message["params"]["requestId"].dump()); it != in_flight_.end()) it->second->raise();
    }
    if (closing_.load()) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, "the connection is closed");
    if (!is_request(message)) {
        // Notifications and our answers are accepted at once (202), and their order matters
        // (`initialized` before anything else): they are sent here, one after the other.
        const std::string problem = post(std::string(frame_json), message);
        if (!problem.empty()) throw sdk::Error(GAGGLE_ERR_NETWORK, problem);
        return;
    }
    // A request's answer can take as long as the tool runs: it is read on a thread of its own.
    std::string frame(frame_json);
    if (!tasks_.start([this, frame = std::move(frame), message = std::move(message)] { (void)post(frame, message); }))
        throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, "the connection is closed");
}

providers::HttpRequest StreamableHttpConnection::request(const char* method, bool event_stream_only) const
{
    providers::HttpRequest r;
    r.method = method;
    r.url = endpoint_.url;
    r.headers = endpoint_.headers;
    r.headers.emplace_back("Accept", event_stream_only ? "text/event-stream" : "application/json, text/event-stream");
    r.connect_timeout = endpoint_.connect_timeout;
    r.idle_timeout = endpoint_.timeout;
    std::lock_guard lock(state_mutex_);
    if (!session_id_.empty()) r.headers.emplace_back("Mcp-Session-Id", session_id_);
    if (!protocol_version_.empty()) r.headers.emplace_back("MCP-Protocol-Version", protocol_version_);
    return r;
}

std::shared_ptr<StopFlag> StreamableHttpConnection::track(const Json& id)
{
    auto flag = std::make_shared<StopFlag>(&closing_);
    if (!id.is_null()) {
        std::lock_guard lock(state_mutex_);
        in_flight_[id.dump()] = flag;
    }
    return flag;
}

void StreamableHttpConnection::untrack(const Json& id)
{
    if (id.is_null()) return;
    std::lock_guard lock(state_mutex_);
    in_flight_.erase(id.dump());
}

void StreamableHttpConnection::keep_session_id(const Exchange& head)
{
    if (!head.success()) return;
    const auto id = providers::find_header(head.headers, "mcp-session-id");
    if (!id) return;
    if (!valid_session_id(*id)) {
        host_.warn("mcp http: the server's Mcp-Session-Id is not visible ASCII (or too long); ignored");
        return;
    }
    std::lock_guard lock(state_mutex_);
    session_id_ = *id;
}

void StreamableHttpConnection::accept(std::string_view text, Awaited& awaited, bool initialize)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return; // a priming event carries no message
    if (!initialize) {
        inbound_.deliver(text, awaited);
        return;
    }
    // Later requests name the negotiated version (2025-06-18 §Protocol Version Header); it is
    // kept before the host sees the result, because the host's next frame follows at once.
    inbound_.deliver(text, awaited, [this](const Json& message) {
        if (!message.is_object() || !message.contains("result") || !message["result"].is_object()) return;
        const Json& result = message["result"];
        if (!result.contains("protocolVersion") || !result["protocolVersion"].is_string()) return;
        const std::string version = result["protocolVersion"];
        if (!valid_session_id(version)) return; // not sendable as a header
        std::lock_guard lock(state_mutex_);
        protocol_version_ = version;
    });
}

void StreamableHttpConnection::accept_event(const providers::SseEvent& event, Awaited& awaited, bool initialize)
{
    if (!event.event.empty() && event.event != "message") return; // not a JSON-RPC message
    accept(event.data, awaited, initialize);
}

std::string StreamableHttpConnection::post(const std::string& frame, const Json& message)
{
    const bool request_frame = is_request(message);
    const bool initialize = request_frame && message["method"] == "initialize";
    Awaited awaited;
    if (request_frame) awaited.id = message["id"];
    bool had_session = false;
    {
        std::lock_guard lock(state_mutex_);
        had_session = !session_id_.empty();
    }
    providers::HttpRequest req = request("POST", false);
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = frame;
    if (!request_frame) req.idle_timeout = std::min<std::chrono::milliseconds>(endpoint_.timeout, 30s);
    const std::shared_ptr<StopFlag> stop = track(awaited.id);
    ExchangeHandlers handlers;
    handlers.on_head = [&](const Exchange& head) {
        if (initialize) keep_session_id(head);
    };
    handlers.on_event = [&](const providers::SseEvent& event) { accept_event(event, awaited, initialize); };
    const Exchange response = exchange(http_, req, handlers, sdk::Cancel(stop->raw()));
    untrack(awaited.id);
    if (closing_.load() || response.cancelled) return {}; // the host closed, or abandoned this request
    if (had_session && session_refused(response)) {
        // The server forgot the session: this connection is over, and the host starts a new one
        // (there is nothing left to DELETE). The request was refused unread, so the host may send
        // it again there.
        const std::string reason = "the server at " + endpoint_.url + " ended the MCP session (HTTP " +
                                   std::to_string(response.status) + ")";
        {
            std::lock_guard lock(state_mutex_);
            session_id_.clear();
        }
        if (request_frame) {
            inbound_.fail(awaited.id, reason, true);
            inbound_.closed(reason);
        } else {
            // Here we run inside the host's send(): the sink is told from another thread, never
            // from under the host's own lock.
            tasks_.start([this, reason] { inbound_.closed(reason); });
        }
        return reason;
    }
    if (request_frame) {
        finish_request(message, response, awaited);
        return {};
    }
    // A notification or an answer of ours: the server accepts it (202) or says why not.
    if (response.status == 0) return "cannot reach the MCP server at " + endpoint_.url + ": " + response.failure;
    if (!response.success()) return describe_http_error(response, endpoint_.url);
    if (message.is_object() && message.value("method", "") == "notifications/initialized") start_listening();
    return {};
}

void StreamableHttpConnection::finish_request(const Json& message, const Exchange& response, Awaited& awaited)
{
    const bool initialize = message["method"] == "initialize";
    if (response.status == 0) {
        inbound_.fail(awaited.id, "cannot reach the MCP server at " + endpoint_.url + ": " + response.failure);
        return;
    }
    if (!response.success()) {
        inbound_.fail(awaited.id, describe_http_error(response, endpoint_.url));
        return;
    }
    if (response.media_type == "application/json") {
        if (response.failure.empty()) accept(response.body, awaited, initialize);
    } else if (response.is_event_stream()) {
        if (!awaited.answered && !response.last_event_id.empty() && !closing_.load())
            resume(awaited, response.last_event_id, response.retry_ms);
    } else {
        inbound_.fail(awaited.id, "the MCP server at " + endpoint_.url + " answered with content type '" +
                                      (response.media_type.empty() ? std::string("none") : response.media_type) +
                                      "', not application/json or text/event-stream");
        return;
    }
    if (awaited.answered || closing_.load()) return;
    std::string why;
    if (!response.failure.empty()) why = "the connection to " + endpoint_.url + " failed before the answer: " + response.failure;
    else if (!awaited.rejection.empty()) why = awaited.rejection + " (from " + endpoint_.url + ")";
    else if (response.status == 202) why = "the MCP server at " + endpoint_.url + " accepted the request but sent no answer";
    else why = "the MCP server at " + endpoint_.url + " ended its answer without a response to the request";
    inbound_.fail(awaited.id, why);
}

void StreamableHttpConnection::resume(Awaited& awaited, std::string last_event_id, long retry_ms)
{
    for (int attempt = 0; attempt < max_resumptions && !awaited.answered; ++attempt) {
        if (!pause(retry_wait(retry_ms, 1s))) return;
        providers::HttpRequest req = request("GET", true);
        req.headers.emplace_back("Last-Event-ID", last_event_id);
        const std::shared_ptr<StopFlag> stop = track(awaited.id);
        ExchangeHandlers handlers;
        handlers.on_event = [&](const providers::SseEvent& event) { accept_event(event, awaited, false); };
        const Exchange response = exchange(http_, req, handlers, sdk::Cancel(stop->raw()));
        untrack(awaited.id);
        if (closing_.load() || response.cancelled) return;
        if (!response.success() || !response.is_event_stream()) {
            awaited.rejection = "resuming the answer's stream failed: " +
                                (response.status ? describe_http_error(response, endpoint_.url) : response.failure);
            return;
        }
        if (!response.last_event_id.empty()) last_event_id = response.last_event_id;
        if (response.retry_ms >= 0) retry_ms = response.retry_ms;
    }
}

void StreamableHttpConnection::start_listening()
{
    {
        std::lock_guard lock(state_mutex_);
        if (listening_) return;
        listening_ = true;
    }
    tasks_.start([this] { listen(); });
    // The next requests go out once the server has answered the GET (or refused it): a server
    // may send an answer on whichever GET stream it holds, and one that opened only after a
    // request's own stream closed looks to it like the resumption of that stream.
    std::unique_lock lock(state_mutex_);
    listen_answered_cv_.wait_for(lock, 2s, [this] { return listen_answered_ || closing_.load(); });
}

void StreamableHttpConnection::mark_listen_answered()
{
    {
        std::lock_guard lock(state_mutex_);
        if (listen_answered_) return;
        listen_answered_ = true;
    }
    listen_answered_cv_.notify_all();
}

void StreamableHttpConnection::listen()
{
    std::string last_event_id;
    long retry_ms = -1;
    int failures = 0;
    while (!closing_.load()) {
        providers::HttpRequest req = request("GET", true);
        if (!last_event_id.empty()) req.headers.emplace_back("Last-Event-ID", last_event_id);
        req.idle_timeout = std::chrono::milliseconds(0); // the host's default: a quiet server is normal here
        Awaited nothing;
        StopFlag stop(&closing_);
        ExchangeHandlers handlers;
        handlers.on_event = [&](const providers::SseEvent& event) { accept_event(event, nothing, false); };
        handlers.on_head = [this](const Exchange&) { mark_listen_answered(); };
        const auto opened = std::chrono::steady_clock::now();
        const Exchange response = exchange(http_, req, handlers, sdk::Cancel(stop.raw()));
        mark_listen_answered(); // no head at all: refused or unreachable
        if (closing_.load()) return;
        if (response.status != 0 && (!response.success() || !response.is_event_stream())) {
            // 405 is the spec's "no stream here"; anything else is as good as that.
            host_.debug("mcp http: no server stream from " + endpoint_.url + " (HTTP " + std::to_string(response.status) + ")");
            return;
        }
        if (!response.last_event_id.empty()) last_event_id = response.last_event_id;
        if (response.retry_ms >= 0) retry_ms = response.retry_ms;
        // A stream that carried something, or stayed open a while (a quiet server ends in the
        // idle timeout), was fine; one that fails at once counts towards giving up.
        const bool lasted = std::chrono::steady_clock::now() - opened > 10s;
        failures = response.events > 0 || lasted ? 0 : failures + 1;
        if (failures >= max_listen_failures) {
            host_.warn("mcp http: the server stream of " + endpoint_.url + " keeps failing (" + response.failure + "); given up");
            return;
        }
        if (!pause(retry_wait(retry_ms, std::chrono::milliseconds(500L << std::min(failures, 6))))) return;
    }
}

bool StreamableHttpConnection::pause(std::chrono::milliseconds duration)
{
    std::unique_lock lock(pause_mutex_);
    return !pause_cv_.wait_for(lock, duration, [this] { return closing_.load(); });
}

} // namespace gaggle::http_transport
