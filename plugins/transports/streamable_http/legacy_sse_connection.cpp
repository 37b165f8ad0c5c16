#include "legacy_sse_connection.hpp"

#include <algorithm>

namespace gaggle::http_transport {
namespace {

// "http://host:port" of an absolute URL; empty when it is not one.
std::string origin_of(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {};
    const auto path_start = url.find_first_of("/?#", scheme_end + 3);
    return std::string(url.substr(0, path_start));
}

} // namespace

std::string resolve_endpoint(const std::string& stream_url, std::string_view endpoint)
{
    const std::string origin = origin_of(stream_url);
    if (origin.empty() || endpoint.empty() || endpoint.find_first_of("\r\n \t") != std::string_view::npos) return {};
    if (endpoint.rfind("http://", 0) == 0 || endpoint.rfind("https://", 0) == 0)
        return origin_of(endpoint) == origin ? std::string(endpoint) : std::string();
    if (endpoint.front() == '/') return origin + std::string(endpoint);
    // A path relative to the stream's own folder.
    std::string_view path = std::string_view(stream_url).substr(origin.size());
    path = path.substr(0, path.find_first_of("?#"));
    const std::string folder(path.substr(0, path.rfind('/') + 1)); // npos + 1 == 0: no folder
    return origin + (folder.empty() ? "/" : folder) + std::string(endpoint);
}

LegacySseConnection::LegacySseConnection(const sdk::Host& host, Endpoint endpoint, sdk::FrameSink sink)
    : host_(host), http_(host), endpoint_(std::move(endpoint)), inbound_(host, sink)
{
    tasks_.start([this] { read_stream(); });
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, endpoint_.connect_timeout, [this] { return !post_url_.empty() || ended_ || !failure_.empty(); });
    if (!post_url_.empty()) return;
    const std::string reason = !failure_.empty() ? failure_
                                                 : "the SSE stream of " + endpoint_.url + " named no endpoint within " +
                                                       std::to_string(endpoint_.connect_timeout.count() / 1000) + " s";
    lock.unlock();
    // The constructor fails, so the destructor will not run: stop the stream here.
    closing_.store(true);
    inbound_.shut();
    tasks_.stop();
    throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, reason);
}

LegacySseConnection::~LegacySseConnection()
{
    closing_.store(true);
    inbound_.shut();
    tasks_.stop();
}

void LegacySseConnection::read_stream()
{
    providers::HttpRequest req;
    req.method = "GET";
    req.url = endpoint_.url;
    req.headers = endpoint_.headers;
    req.headers.emplace_back("Accept", "text/event-stream");
    req.connect_timeout = endpoint_.connect_timeout;
    req.idle_timeout = std::chrono::milliseconds(0); // the host's default: a quiet server is normal
    StopFlag stop(&closing_);
    ExchangeHandlers handlers;
    handlers.on_event = [this](const providers::SseEvent& event) { on_event(event); };
    const Exchange response = exchange(http_, req, handlers, sdk::Cancel(stop.raw()));
    if (closing_.load()) return;
    if (response.status == 0) return stream_ended("cannot reach the MCP server at " + endpoint_.url + ": " + response.failure);
    if (!response.success()) return stream_ended(describe_http_error(response, endpoint_.url));
    if (!response.is_event_stream())
        return stream_ended("the MCP server at " + endpoint_.url + " answered with content type '" +
                            (response.media_type.empty() ? std::string("none") : response.media_type) + "', not text/event-stream");
    if (!response.failure.empty()) return stream_ended("the SSE stream of " + endpoint_.url + " failed: " + response.failure);
    stream_ended("the MCP server at " + endpoint_.url + " closed its SSE stream");
}

void LegacySseConnection::on_event(const providers::SseEvent& event)
{
    if (event.event == "endpoint") {
        std::lock_guard lock(mutex_);
        if (!post_url_.empty()) return; // named once; a later one cannot redirect our requests
        post_url_ = resolve_endpoint(endpoint_.url, event.data);
        if (post_url_.empty()) failure_ = "the SSE stream of " + endpoint_.url + " named an endpoint on another origin or no URL";
        changed_.notify_all();
        return;
    }
    if (!event.event.empty() && event.event != "message") return;
    Awaited unattached;
    inbound_.deliver(event.data, unattached);
}

void LegacySseConnection::stream_ended(const std::string& reason)
{
    {
        std::lock_guard lock(mutex_);
        ended_ = true;
        if (failure_.empty()) failure_ = reason;
        changed_.notify_all();
    }
    host_.debug("mcp sse: " + reason);
    inbound_.closed(reason);
}

void LegacySseConnection::send(std::string_view frame_json)
{
    std::string url;
    {
        std::lock_guard lock(mutex_);
        if (ended_) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, failure_);
        url = post_url_;
    }
    providers::HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = endpoint_.headers;
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = std::string(frame_json);
    req.connect_timeout = endpoint_.connect_timeout;
    req.idle_timeout = std::min<std::chrono::milliseconds>(endpoint_.timeout, std::chrono::seconds(30));
    StopFlag stop(&closing_);
    const Exchange response = exchange(http_, req, {}, sdk::Cancel(stop.raw()));
    if (closing_.load()) return;
    std::string problem;
    if (response.status == 0) problem = "cannot reach the MCP server at " + url + ": " + response.failure;
    else if (!response.success()) problem = describe_http_error(response, url);
    // The stream will not answer what the server refused: the host's send fails with the reason.
    if (!problem.empty()) throw sdk::Error(GAGGLE_ERR_NETWORK, problem);
}

} // namespace gaggle::http_transport
