#pragma once
// One HTTP connection: reads requests off a socket in a loop and hands each to the dispatcher.
// It replaces Poco's own HTTPServerConnection so that a request too malformed to reach a handler
// (a garbage request line, a non-numeric or overflowing Content-Length, an over-long header) is
// still answered like every other error, 400 with {"message": ...} and Connection: close, where
// Poco answers an empty 400 or drops the connection without a word.
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <functional>
#include <mutex>
#include <set>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
class StreamSocket;
} // namespace Poco::Net

namespace gaggle {

class ClientLimit;
class StreamWriter;

using RequestHandler = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

// The open connections, so that stopping the server can wake the ones idling in keep-alive.
class ConnectionRegistry {
public:
    void add(Poco::Net::StreamSocket* socket);
    void remove(Poco::Net::StreamSocket* socket);
    // Shuts down every open socket: a connection blocked reading its next request ends at once.
    void abort_all();

private:
    std::mutex mutex_;
    std::set<Poco::Net::StreamSocket*> sockets_;
};

// Creates the connections of a Poco::Net::TCPServer. The factory is owned by that server. A
// connection over its client's cap in `limit` is answered 429; a handler may hand its socket to
// `streams` (http/stream_handoff.hpp), which ends the connection without closing the socket.
Poco::Net::TCPServerConnectionFactory* make_connection_factory(Poco::Net::HTTPServerParams::Ptr params, RequestHandler handler,
                                                               ConnectionRegistry& registry, ClientLimit& limit,
                                                               StreamWriter& streams);

} // namespace gaggle
