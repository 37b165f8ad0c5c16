#pragma once
// One ACP client over WebSocket (GET /acp with `Upgrade: websocket`, the SDK's ws-client): every
// JSON-RPC message, both ways and for all of the connection's sessions, is one text frame.
//
// After the handshake the socket belongs to this object and one thread of its own, which waits on
// the socket and on a wake for outgoing messages: it reads the client's frames and hands them to
// the ACP Connection, and it writes what send() queued. Turn threads only queue, so a client that
// reads slowly never holds a turn back; it is dropped (close 1008) once 16 MiB wait unsent.
#include "acp/connection.hpp"

#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gaggle::acp {

class WebSocketConnection final : public Outbox {
public:
    // `client_slot` (the per-client connection cap) is held until the socket closes.
    WebSocketConnection(AppContext& app, std::string id, std::string owner, Poco::Net::WebSocket socket,
                        std::shared_ptr<void> client_slot);
    ~WebSocketConnection() override; // close()
    WebSocketConnection(const WebSocketConnection&) = delete;
    WebSocketConnection& operator=(const WebSocketConnection&) = delete;

    const std::string& id() const noexcept { return id_; }
    // Starts the connection's thread.
    void start();
    // Any thread but the connection's own: ends the connection (a close frame, if the socket takes
    // it), cancels its turns and waits for them and for the thread.
    void close();
    // True once the client has gone and everything it started has ended.
    bool finished() const noexcept { return finished_.load(); }

    // Any thread: queues one message for the client.
    void send(const Json& message) override;

private:
    void run();
    // One frame from the client (or the rest of one); false when the connection ends.
    bool read_frame();
    // Writes what is queued; false when the socket failed.
    bool write_queued();
    void close_with(Poco::UInt16 code, const std::string& reason);

    const std::string id_;
    Poco::Net::WebSocket socket_;
    std::shared_ptr<void> client_slot_;
    int wake_fd_ = -1; // eventfd: send() and close() wake the thread
    std::mutex mutex_;
    std::deque<std::string> queued_; // one text frame each
    std::size_t queued_bytes_ = 0;
    bool overrun_ = false;
    std::string partial_;    // a fragmented message so far
    std::mutex socket_mutex_; // close() against the thread closing the socket
    bool socket_closed_ = false;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> finished_{false};
    std::thread thread_;
    std::unique_ptr<Connection> connection_; // last: its turns send through this until closed
};

} // namespace gaggle::acp
