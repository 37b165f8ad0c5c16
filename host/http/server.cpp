#include "http/server.hpp"

#include "common/error.hpp"
#include "http/error_mapping.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
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

namespace gaggle {
namespace {

std::atomic<bool> g_shutting_down{false};

bool is_json_content_type(const std::string& value)
{
    const std::string media = Poco::toLower(Poco::trim(value.substr(0, value.find(';'))));
    return media == "application/json";
}

// Reads at most `limit` bytes of body; true when the body fit.
bool read_body(Poco::Net::HTTPServerRequest& request, size_t limit, std::string& out)
{
    std::istream& in = request.stream();
    char buffer[16384];
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto n = static_cast<size_t>(in.gcount());
        if (out.size() + n > limit) return false;
        out.append(buffer, n);
    }
    return true;
}

// Reads and discards what is left of a refused body, up to a bound, so the client finishes sending
// and reads our 413 instead of a connection reset (closing a socket with unread data resets it).
void drain_body(std::istream& in)
{
    constexpr size_t bound = 64 * 1024 * 1024;
    char buffer[65536];
    size_t total = 0;
    while (in && total < bound) {
        in.read(buffer, sizeof buffer);
        total += static_cast<size_t>(in.gcount());
    }
}

class Dispatcher final : public Poco::Net::HTTPRequestHandler {
public:
    Dispatcher(const Router& router, const Authenticator& auth, const Cors& cors)
        : router_(router), auth_(auth), cors_(cors)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& raw_request, Poco::Net::HTTPServerResponse& raw_response) override
    {
        const auto started = std::chrono::steady_clock::now();
        Response response(raw_response);
        std::string path = "?";
        try {
            path = dispatch(raw_request, response);
        } catch (const Error& e) {
            reply_error(response, http_status_for(e.kind()), e.what());
        } catch (const Json::exception& e) {
            // A handler read a field with the wrong type without checking: still the client's shape.
            reply_error(response, 422, std::string("request has the wrong shape: ") + e.what());
        } catch (const Poco::Exception& e) {
            spdlog::error("{} {}: {}", raw_request.getMethod(), path, e.displayText());
            reply_error(response, 500, "internal error");
        } catch (const std::exception& e) {
            spdlog::error("{} {}: {}", raw_request.getMethod(), path, e.what());
            reply_error(response, 500, "internal error");
        }
        if (spdlog::should_log(spdlog::level::debug)) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
            spdlog::debug("{} {} {} {:.3f}ms", raw_request.getMethod(), path, response.status() ? response.status() : raw_response.getStatus(),
                          static_cast<double>(us) / 1000.0);
        }
    }

private:
    static void reply_error(Response& response, int status, const std::string& message)
    {
        if (response.sent()) {
            spdlog::warn("error after the response started ({}): {}", status, message);
            return;
        }
        response.error(status, message);
    }

    // Returns the decoded path (for the request log line).
    std::string dispatch(Poco::Net::HTTPServerRequest& raw_request, Response& response)
    {
        std::string path, query;
        try {
            Poco::URI uri(raw_request.getURI());
            path = uri.getPath();
            query = uri.getRawQuery();
        } catch (const Poco::Exception&) {
            throw invalid_argument("malformed request URI");
        }
        cors_.decorate(raw_request, response.raw());
        if (Cors::is_preflight(raw_request)) {
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
        Request request(raw_request, path, query);
        request.set_params(std::move(match.params));
        request.set_user(std::move(user));

        const bool has_length = raw_request.hasContentLength();
        const auto length = has_length ? raw_request.getContentLength64() : 0;
        if (has_length && length > static_cast<Poco::Int64>(route.options.max_body)) {
            response.raw().setKeepAlive(false); // an unread remainder would poison the connection
            drain_body(raw_request.stream());
            throw Error(ErrorKind::payload_too_large, "request body of " + std::to_string(length) +
                                                          " bytes exceeds the limit of " +
                                                          std::to_string(route.options.max_body) + " for " + route.path);
        }
        if (has_length ? length > 0 : raw_request.getChunkedTransferEncoding()) {
            if (route.options.json_body && !is_json_content_type(raw_request.getContentType()))
                throw Error(ErrorKind::unsupported_media, "Expected request with `Content-Type: application/json`");
            std::string body;
            if (!read_body(raw_request, route.options.max_body, body)) {
                response.raw().setKeepAlive(false);
                drain_body(raw_request.stream());
                throw Error(ErrorKind::payload_too_large,
                            "request body exceeds the limit of " + std::to_string(route.options.max_body) + " bytes");
            }
            request.set_body(std::move(body));
        } else if (route.options.json_body) {
            throw invalid_argument("request body is empty; expected a JSON object");
        }

        route.handler(request, response);
        if (!response.sent()) response.empty(200);
        return path;
    }

    const Router& router_;
    const Authenticator& auth_;
    const Cors& cors_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Factory(const Router& router, const Authenticator& auth, const Cors& cors) : router_(router), auth_(auth), cors_(cors) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Dispatcher(router_, auth_, cors_);
    }

private:
    const Router& router_;
    const Authenticator& auth_;
    const Cors& cors_;
};

} // namespace

HttpServer::HttpServer(const Router& router, const Authenticator& auth, const Cors& cors, ServerOptions options)
    : router_(router), auth_(auth), cors_(cors), options_(std::move(options))
{
}

HttpServer::~HttpServer()
{
    if (server_) stop(0);
}

bool HttpServer::shutting_down() noexcept { return g_shutting_down.load(std::memory_order_relaxed); }

void HttpServer::start()
{
    Poco::Net::ServerSocket socket;
    try {
        // Reuse the address (restart right after a stop) but never the port: with SO_REUSEPORT a
        // second server on the same port would silently share its connections.
        socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), true, false);
        socket.listen(256);
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::unavailable,
                    "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + e.displayText());
    }
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams; // owned by the server (AutoPtr)
    params->setMaxThreads(options_.max_connections);
    params->setMaxQueued(options_.max_connections);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(60, 0));
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    // Threads are created on demand and retire when idle, so an idle server stays small while a
    // thousand open SSE streams still each get a thread. 256 KiB stacks keep that many cheap.
    pool_ = std::make_unique<Poco::ThreadPool>(1, options_.max_connections + 4, 30, 256 * 1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router_, auth_, cors_), *pool_, socket, params);
    g_shutting_down = false;
    server_->start();
}

void HttpServer::stop(int grace_ms)
{
    if (!server_) return;
    g_shutting_down = true;
    server_->stop();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
    while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    server_->stopAll(true);
    server_.reset();
    pool_->joinAll();
    pool_.reset();
}

} // namespace gaggle
