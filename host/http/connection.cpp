#include "http/connection.hpp"

#include "common/json.hpp"
#include "http/server.hpp"

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

// The answer to bytes that are not a request we can frame. The connection closes after it: where
// this request ends, and so where the next would start, is unknown.
void answer_malformed(Poco::Net::HTTPServerSession& session, const std::string& reason)
{
    const std::string body = Json{{"message", "malformed HTTP request: " + reason}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    response.setKeepAlive(false);
    response.setContentType("application/json");
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    // Not sendBuffer(): with no request attached it would send the headers alone.
    response.send() << body << std::flush;
    session.setKeepAlive(false);
}

class Connection final : public Poco::Net::TCPServerConnection {
public:
    Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params, const RequestHandler& handler,
               ConnectionRegistry& registry)
        : TCPServerConnection(socket), params_(std::move(params)), handler_(handler), registry_(registry)
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
                response.setDate(Poco::Timestamp());
                response.setVersion(request->getVersion());
                response.setKeepAlive(params_->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
                if (request->getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
                    response.sendContinue();
                handler_(*request, response);
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
};

class Factory final : public Poco::Net::TCPServerConnectionFactory {
public:
    Factory(Poco::Net::HTTPServerParams::Ptr params, RequestHandler handler, ConnectionRegistry& registry)
        : params_(std::move(params)), handler_(std::move(handler)), registry_(registry)
    {
    }
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override
    {
        return new Connection(socket, params_, handler_, registry_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    RequestHandler handler_;
    ConnectionRegistry& registry_;
};

} // namespace

Poco::Net::TCPServerConnectionFactory* make_connection_factory(Poco::Net::HTTPServerParams::Ptr params, RequestHandler handler,
                                                               ConnectionRegistry& registry)
{
    return new Factory(std::move(params), std::move(handler), registry);
}

} // namespace gaggle
