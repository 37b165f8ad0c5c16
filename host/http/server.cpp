#include "http/server.hpp"

#include "common/error.hpp"
#include "http/body_memory.hpp"
#include "http/client_limit.hpp"
#include "http/connection.hpp"
#include "http/error_mapping.hpp"
#include "http/stream_handoff.hpp"
#include "http/stream_writer.hpp"

#include <Poco/Net/TCPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include <sys/resource.h>

namespace gaggle {
namespace {

std::atomic<bool> g_shutting_down{false};

bool is_json_content_type(const std::string& value)
{
    const std::string media = Poco::toLower(Poco::trim(value.substr(0, value.find(';'))));
    return media == "application/json";
}

// How long a body waits for others to release the shared body budget before a 503.
constexpr auto body_budget_wait = std::chrono::seconds(5);

[[noreturn]] void body_budget_spent()
{
    throw Error(ErrorKind::unavailable, "the server is receiving too many large request bodies at once; retry shortly");
}

// Reads at most `limit` bytes of body; true when the body fit. What is read is held in
// `reservation` (grown as a body of unknown length arrives).
bool read_body(Poco::Net::HTTPServerRequest& request, size_t limit, std::string& out, BodyReservation& reservation)
{
    std::istream& in = request.stream();
    char buffer[16384];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto n = static_cast<size_t>(in.gcount());
        if (out.size() + n > limit) return false;
        if (!reservation.grow_to(out.size() + n, body_budget_wait)) {
            request.response().setKeepAlive(false); // the rest of the body stays unread
            body_budget_spent();
        }
        out.append(buffer, n);
    }
    // std::istream turns an exception of the socket stream (malformed chunking, a timeout) into badbit.
    if (in.bad()) {
        request.response().setKeepAlive(false);
        throw invalid_argument("request body could not be read (malformed chunked encoding, or the client stopped sending)");
    }
    return true;
}

// Reads and discards up to `bound` bytes of what is left of a body; true when the body ended.
bool drain_body(std::istream& in, size_t bound)
{
    char buffer[65536];
    size_t total = 0;
    while (in && total <= bound) {
        in.read(buffer, sizeof buffer);
        total += static_cast<size_t>(in.gcount());
    }
    return in.eof() && !in.bad() && total <= bound;
}

// A refused body this large is still read and dropped so the client finishes sending and reads
// our 413 instead of a connection reset (closing a socket with unread data resets it).
constexpr size_t refused_body_drain_bound = 64 * 1024 * 1024;
// An answer given before the body was read (401, 404, 405, 415, ...) drops a body up to this size
// and keeps the connection; a larger or unknown-length one closes the connection instead.
constexpr size_t early_answer_drain_bound = 256 * 1024;

// Everything between a parsed request and its answer, for one request.
class Dispatcher {
public:
    Dispatcher(const Router& router, const Authenticator& auth, const Cors& cors, BodyBudget& budget)
        : router_(router), auth_(auth), cors_(cors), budget_(budget)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& raw_request, Poco::Net::HTTPServerResponse& raw_response)
    {
        const auto started = std::chrono::steady_clock::now();
        Response response(raw_response);
        std::string path = "?";
        try {
            path = dispatch(raw_request, response);
        } catch (const Error& e) {
            discard_unread_body(raw_request, raw_response);
            reply_error(response, http_status_for(e.kind()), e.what());
        } catch (const Json::exception& e) {
            // The field readers (api/fields.hpp) raise the client's wrong shapes as 422 before any
            // server code touches a value, so a JSON type error here is a bug in the server.
            spdlog::error("{} {}: JSON type error in server code (a bug): {}", raw_request.getMethod(), path, e.what());
            discard_unread_body(raw_request, raw_response);
            reply_error(response, 500, "internal error");
        } catch (const Poco::Exception& e) {
            spdlog::error("{} {}: {}", raw_request.getMethod(), path, e.displayText());
            discard_unread_body(raw_request, raw_response);
            reply_error(response, 500, "internal error");
        } catch (const std::exception& e) {
            spdlog::error("{} {}: {}", raw_request.getMethod(), path, e.what());
            discard_unread_body(raw_request, raw_response);
            reply_error(response, 500, "internal error");
        }
        if (large_body_) return_freed_memory(); // after the body, its parse and the reply are freed
        if (spdlog::should_log(spdlog::level::debug)) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
            spdlog::debug("{} {} {} {:.3f}ms", raw_request.getMethod(), path, response.status() ? response.status() : raw_response.getStatus(),
                          static_cast<double>(us) / 1000.0);
        }
    }

private:
    static void reply_error(Response& response, int status, const std::string& message)
    {
        if (response.sent() || stream_handed_off()) {
            spdlog::warn("error after the response started ({}): {}", status, message);
            return;
        }
        response.error(status, message);
    }

    // The connection stays usable only when the request's body has been read to its end: whatever is
    // left unread would be parsed as the next request (a desync: the body of a request refused for
    // lacking auth would run as a request). So a small body is dropped; otherwise, or when dropping
    // fails, the answer carries `Connection: close`.
    void discard_unread_body(Poco::Net::HTTPServerRequest& raw_request, Poco::Net::HTTPServerResponse& raw_response)
    {
        if (body_done_) return;
        body_done_ = true;
        const bool chunked = raw_request.getChunkedTransferEncoding();
        const Poco::Int64 length = raw_request.hasContentLength() ? raw_request.getContentLength64() : 0;
        if (!chunked && length == 0) return;
        if (chunked || (length > 0 && static_cast<size_t>(length) <= early_answer_drain_bound)) {
            try {
                // A chunked body is dropped too, so the client sees our answer, but its connection
                // closes anyway (see the chunked case in dispatch()).
                if (drain_body(raw_request.stream(), early_answer_drain_bound) && !chunked) return;
            } catch (const Poco::Exception&) {
                // malformed chunking: fall through and close
            }
        }
        raw_response.setKeepAlive(false);
    }

    // Returns the decoded path (for the request log line).
    std::string dispatch(Poco::Net::HTTPServerRequest& raw_request, Response& response)
    {
        std::string path, query;
        if (raw_request.hasContentLength() && raw_request.getContentLength64() < 0) {
            body_done_ = true; // nothing can tell where this body ends: close after answering
            response.raw().setKeepAlive(false);
            throw invalid_argument("Content-Length must be a non-negative number");
        }
        try {
            Poco::URI uri(raw_request.getURI());
            path = uri.getPath();
            query = uri.getRawQuery();
        } catch (const Poco::Exception&) {
            throw invalid_argument("malformed request URI");
        }
        cors_.decorate(raw_request, response.raw());
        if (Cors::is_preflight(raw_request)) {
            discard_unread_body(raw_request, response.raw());
            cors_.answer_preflight(raw_request, response.raw());
            return path;
        }

        RouteMatch match = router_.match(raw_request.getMethod(), path);
        const bool needs_auth = match.kind != RouteMatch::Kind::found || match.route->options.auth;
        std::string user;
        if (needs_auth) {
            auto who = auth_.authenticate(raw_request);
            // Unknown paths need the secret too: an unauthenticated caller learns nothing about routes.
            if (!who) throw Error(ErrorKind::unauthorized, "Unauthorized");
            user = std::move(*who);
        }
        if (match.kind == RouteMatch::Kind::not_found) throw not_found("Not found: " + path);
        if (match.kind == RouteMatch::Kind::method_not_allowed) {
            std::string allow;
            for (auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
            response.header("Allow", allow);
            throw Error(ErrorKind::method_not_allowed,
                        "Method " + raw_request.getMethod() + " not allowed on " + path + " (allowed: " + allow + ")");
        }

        const Route& route = *match.route;
        BodyReservation reservation(budget_); // outlives the request that holds the body
        Request request(raw_request, path, query);
        request.set_params(std::move(match.params));
        request.set_user(std::move(user));

        const bool has_length = raw_request.hasContentLength();
        const auto length = has_length ? raw_request.getContentLength64() : 0;
        if (has_length && length > static_cast<Poco::Int64>(route.options.max_body)) {
            response.raw().setKeepAlive(false); // an unread remainder would poison the connection
            body_done_ = true;
            drain_body(raw_request.stream(), refused_body_drain_bound);
            throw Error(ErrorKind::payload_too_large, "request body of " + std::to_string(length) +
                                                          " bytes exceeds the limit of " +
                                                          std::to_string(route.options.max_body) + " for " + route.path);
        }
        if (has_length ? length > 0 : raw_request.getChunkedTransferEncoding()) {
            if (route.options.json_body && !is_json_content_type(raw_request.getContentType()))
                throw Error(ErrorKind::unsupported_media, "Expected request with `Content-Type: application/json`");
            // Reserve the declared length before reading a byte of it; a chunked body reserves as it comes.
            if (has_length && !reservation.grow_to(static_cast<size_t>(length), body_budget_wait)) {
                discard_unread_body(raw_request, response.raw());
                body_budget_spent();
            }
            // Poco's chunked reader takes some malformed chunk sizes for the end of the body, leaving
            // the rest to be read as the next request: a chunked body never shares its connection.
            if (!has_length) response.raw().setKeepAlive(false);
            std::string body;
            if (has_length) body.reserve(static_cast<size_t>(length)); // one buffer: mmapped when large
            body_done_ = true;
            large_body_ = true; // until we know its size (a read may stop half-way)
            if (!read_body(raw_request, route.options.max_body, body, reservation)) {
                response.raw().setKeepAlive(false);
                drain_body(raw_request.stream(), refused_body_drain_bound);
                throw Error(ErrorKind::payload_too_large,
                            "request body exceeds the limit of " + std::to_string(route.options.max_body) + " bytes");
            }
            large_body_ = body.size() >= large_body_bytes;
            request.set_body(std::move(body));
        } else if (route.options.json_body) {
            throw invalid_argument("request body is empty; expected a JSON object");
        }

        route.handler(request, response);
        if (!response.sent() && !stream_handed_off()) response.empty(200);
        return path;
    }

    const Router& router_;
    const Authenticator& auth_;
    const Cors& cors_;
    BodyBudget& budget_;
    bool body_done_ = false;  // the request's body was read, dropped, or the connection will close
    bool large_body_ = false; // trim the heap when the request ends
};

// Room for a burst of connections (a thousand streams opened at once) without the kernel dropping
// SYNs that clients then wait out. Linux caps it at net.core.somaxconn by itself.
constexpr int listen_backlog = 4096;

// Every open stream is a socket: 10,000 of them need more than the usual soft limit of 1,024.
void raise_open_file_limit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    const auto before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0)
        spdlog::debug("open file limit raised from {} to {}", before, limit.rlim_cur);
}

} // namespace

HttpServer::HttpServer(const Router& router, const Authenticator& auth, const Cors& cors, ServerOptions options)
    : router_(router), auth_(auth), cors_(cors), options_(std::move(options)),
      body_budget_(std::make_unique<BodyBudget>(options_.body_budget_bytes)),
      connections_(std::make_unique<ConnectionRegistry>()),
      client_limit_(std::make_unique<ClientLimit>(options_.max_connections_per_client)),
      streams_(std::make_unique<StreamWriter>(StreamWriterOptions{.max_pending_bytes = options_.stream_buffer_bytes}))
{
}

HttpServer::~HttpServer()
{
    if (server_) stop(0);
}

bool HttpServer::shutting_down() noexcept { return g_shutting_down.load(std::memory_order_relaxed); }

void HttpServer::start()
{
    raise_open_file_limit();
    Poco::Net::ServerSocket socket;
    try {
        // Reuse the address (restart right after a stop) but never the port: with SO_REUSEPORT a
        // second server on the same port would silently share its connections.
        socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), true, false);
        socket.listen(listen_backlog);
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::unavailable,
                    "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + e.displayText());
    }
    port_ = socket.address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.max_connections);
    // Connections wait here for a worker; a burst of thousands of streams opening at once queues
    // briefly (each leaves its worker as soon as its headers are out) instead of being refused.
    params->setMaxQueued(options_.max_queued);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(60, 0));
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    // A worker waits this long for the next connection before it retires; stop() waits for them.
    params->setThreadIdleTime(Poco::Timespan(1, 0));
    // Threads are created on demand and retire when idle, so an idle server stays small. Open SSE
    // streams hold no thread (StreamWriter). 256 KiB stacks keep a busy pool cheap.
    pool_ = std::make_unique<Poco::ThreadPool>(1, options_.max_connections + 4, 30, 256 * 1024);
    configure_allocator_for_large_bodies();
    RequestHandler handler = [this](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        Dispatcher(router_, auth_, cors_, *body_budget_).handleRequest(request, response);
    };
    streams_->start();
    server_ = std::make_unique<Poco::Net::TCPServer>(
        make_connection_factory(params, std::move(handler), *connections_, *client_limit_, *streams_), *pool_, socket, params);
    g_shutting_down = false;
    server_->start();
}

void HttpServer::stop(int grace_ms)
{
    if (!server_) return;
    g_shutting_down = true;
    server_->stop();
    streams_->stop(); // open streams end now; grace is for requests in progress
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
    while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    connections_->abort_all(); // wakes connections idling in keep-alive
    server_.reset();
    pool_->joinAll();
    pool_.reset();
}

} // namespace gaggle
