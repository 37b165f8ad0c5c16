#include "http/connection.hpp"

#include "common/json.hpp"
#include "http/client_limit.hpp"
#include "http/server.hpp"
#include "http/stream_handoff.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <ostream>

namespace gaggle {

void ConnectionRegistry::add(Poco::Net::StreamSocket* socket)
{
    std::lock_guard lock(mutex_);
    sockets_.insert(socket);
}

void ConnectionRegistry::remove(Poco::Net::StreamSocket* socket)
{
    std::lock_guard lock(mutex_);
    sockets_.erase(socket);
}

void ConnectionRegistry::abort_all()
{
    std::lock_guard lock(mutex_);
    for (auto* socket : sockets_) {
        try {
            socket->shutdown();
        } catch (const Poco::Exception&) {
            // already closed by the peer
        }
    }
}

namespace {

// An answer given by the connection itself, after which it closes.
void answer_and_close(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message)
{
    const std::string body = Json{{"message", message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(status);
    response.setKeepAlive(false);
    response.setContentType("application/json");
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    // Not sendBuffer(): with no request attached it would send the headers alone.
    response.send() << body << std::flush;
    session.setKeepAlive(false);
}

// The answer to bytes that are not a request we can frame. The connection closes after it: where
// this request ends, and so where the next would start, is unknown.
void answer_malformed(Poco::Net::HTTPServerSession& session, const std::string& reason)
{
    answer_and_close(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "malformed HTTP request: " + reason);
}

std::string peer_host(const Poco::Net::StreamSocket& socket)
{
    try {
        return socket.peerAddress().host().toString();
    } catch (const Poco::Exception&) {
        return "?"; // already disconnected: the request read fails anyway
    }
}

// A refused request's body is read (up to a bound) so the client reads our answer, not a reset.
// A body of unknown length (no Content-Length, not chunked) would be read until the client
// closes: it is left alone.
void drop_body(Poco::Net::HTTPServerRequest& request)
{
    if (!request.getChunkedTransferEncoding() && !(request.hasContentLength() && request.getContentLength64() > 0)) return;
    try {
        request.stream().ignore(256 * 1024);
    } catch (const Poco::Exception&) {
        // unreadable: the connection closes anyway
    }
}

class Connection final : public Poco::Net::TCPServerConnection {
public:
    Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params, const RequestHandler& handler,
               ConnectionRegistry& registry, ClientLimit& limit, StreamWriter& streams)
        : TCPServerConnection(socket), params_(std::move(params)), handler_(handler), registry_(registry),
          limit_(limit), streams_(streams), slot_(limit.acquire(peer_host(socket)))
    {
        registry_.add(&this->socket());
    }
    ~Connection() override { registry_.remove(&socket()); }

    void run() override
    {
        Poco::Net::HTTPServerSession session(socket(), params_);
        while (!HttpServer::shutting_down() && session.hasMoreRequests()) {
            try {
                Poco::Net::HTTPServerResponseImpl response(session);
                std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
                try {
                    request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, params_.get());
                } catch (const Poco::Net::NoMessageException&) {
                    return; // the client closed an idle connection
                } catch (const Poco::Net::MessageException& e) {
                    answer_malformed(session, e.message().empty() ? e.displayText() : e.message());
                    return;
                } catch (const Poco::Net::NetException&) {
                    return; // the socket failed or timed out: nobody to answer
                } catch (const Poco::TimeoutException&) {
                    return;
                } catch (const Poco::Exception& e) {
                    // A request line, header or Content-Length we cannot parse.
                    answer_malformed(session, e.message().empty() ? e.displayText() : e.message());
                    return;
                }
                if (!slot_) {
                    drop_body(*request);
                    answer_and_close(session, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                                     "too many connections from this address (at most " + std::to_string(limit_.per_client()) +
                                         ", streams included; see GAGGLE_MAX_CONNECTIONS_PER_CLIENT)");
                    return;
                }
                response.setDate(Poco::Timestamp());
                response.setVersion(request->getVersion());
                response.setKeepAlive(params_->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
                if (request->getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
                    response.sendContinue();
                StreamHandOff handoff(&streams_, slot_);
                handler_(*request, response);
                // A handed-off stream owns the socket now; the session must not read or close it.
                if (handoff.taken()) return;
                session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
            } catch (const Poco::Exception& e) {
                // Writing the answer failed: the client is gone.
                spdlog::debug("connection ended: {}", e.displayText());
                return;
            }
        }
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    const RequestHandler& handler_;
    ConnectionRegistry& registry_;
    ClientLimit& limit_;
    StreamWriter& streams_;
    std::shared_ptr<void> slot_; // null: this client is over its cap
};

class Factory final : public Poco::Net::TCPServerConnectionFactory {
public:
    Factory(Poco::Net::HTTPServerParams::Ptr params, RequestHandler handler, ConnectionRegistry& registry, ClientLimit& limit,
            StreamWriter& streams)
        : params_(std::move(params)), handler_(std::move(handler)), registry_(registry), limit_(limit), streams_(streams)
    {
    }
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new Connection(socket, params_, handler_, registry_, limit_, streams_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    RequestHandler handler_;
    ConnectionRegistry& registry_;
    ClientLimit& limit_;
    StreamWriter& streams_;
};

} // namespace

Poco::Net::TCPServerConnectionFactory* make_connection_factory(Poco::Net::HTTPServerParams::Ptr params, RequestHandler handler,
                                                               ConnectionRegistry& registry, ClientLimit& limit,
                                                               StreamWriter& streams)
{
    return new Factory(std::move(params), std::move(handler), registry, limit, streams);
}

} // namespace gaggle
