#pragma once
// The HTTP server: Poco's TCPServer with our own connection loop (http/connection.hpp) and one
// dispatcher in front of every route that applies, in order: CORS pre-flight, route match, auth, 404/405, body limits (413), content type (415), the
// handler, and error mapping. A handler only ever sees a request that passed all of that.
#include "http/auth.hpp"
#include "http/cors.hpp"
#include "http/router.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class TCPServer;
}

namespace gaggle {

class BodyBudget;
class ClientLimit;
class ConnectionRegistry;
class StreamWriter;

struct ServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 3000;          // 0 picks a free port (tests)
    int max_connections = 256;     // worker threads: requests in progress at once (open streams hold none)
    int max_queued = 16384;        // accepted connections waiting for a worker
    // Connections (streams included) one client address may hold; see ServerSettings.
    std::size_t max_connections_per_client = 12000;
    std::size_t stream_buffer_bytes = 1024 * 1024; // a stream's unsent bytes before its reader is dropped
    std::size_t body_budget_bytes = 256 * 1024 * 1024; // request body bytes held at once, all threads
};

class HttpServer {
public:
    HttpServer(const Router& router, const Authenticator& auth, const Cors& cors, ServerOptions options);
    ~HttpServer();

    // Binds and starts serving; throws gaggle::Error when the address cannot be bound.
    void start();
    uint16_t port() const noexcept { return port_; }
    // Stops accepting, lets in-flight requests finish for up to `grace_ms`, then aborts the rest.
    void stop(int grace_ms = 3000);

    // Long-lived handlers (SSE) poll this to end their streams during shutdown.
    static bool shutting_down() noexcept;

private:
    const Router& router_;
    const Authenticator& auth_;
    const Cors& cors_;
    ServerOptions options_;
    uint16_t port_ = 0;
    std::unique_ptr<BodyBudget> body_budget_;
    std::unique_ptr<ConnectionRegistry> connections_;
    std::unique_ptr<ClientLimit> client_limit_;
    std::unique_ptr<StreamWriter> streams_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

} // namespace gaggle
