#include "acp/websocket_connection.hpp"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstdint>

#include <poll.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace gaggle::acp {
namespace {

// The same ceilings as the other transports: a message as long as a /reply body, and what a client
// may leave unread before it is judged gone.
constexpr int max_message_bytes = 50 * 1024 * 1024;
constexpr std::size_t max_queued_bytes = 16 * 1024 * 1024;
// A frame the client has begun must arrive whole within this; a write must be taken within this.
const Poco::Timespan frame_timeout(30, 0);

// RFC 6455 close codes.
constexpr Poco::UInt16 close_normal = 1000;
constexpr Poco::UInt16 close_going_away = 1001;
constexpr Poco::UInt16 close_unsupported = 1003;
constexpr Poco::UInt16 close_policy = 1008;
constexpr Poco::UInt16 close_too_big = 1009;

void wake(int fd)
{
    const std::uint64_t one = 1;
    while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void drain(int fd)
{
    std::uint64_t n = 0;
    while (::read(fd, &n, sizeof n) < 0 && errno == EINTR) {
    }
}

} // namespace

WebSocketConnection::WebSocketConnection(AppContext& app, std::string id, std::string owner, Poco::Net::WebSocket socket,
                                         std::shared_ptr<void> client_slot)
    : id_(std::move(id)), socket_(std::move(socket)), client_slot_(std::move(client_slot)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), connection_(std::make_unique<Connection>(app, *this, std::move(owner)))
{
    if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
    socket_.setMaxPayloadSize(max_message_bytes);
    socket_.setReceiveTimeout(frame_timeout);
    socket_.setSendTimeout(frame_timeout);
}

WebSocketConnection::~WebSocketConnection()
{
    close();
    ::close(wake_fd_);
}

void WebSocketConnection::start()
{
    thread_ = std::thread([this] { run(); });
}

void WebSocketConnection::close()
{
    stopping_ = true;
    wake(wake_fd_);
    // The thread says goodbye (close 1001) when it wakes; one inside a frame's read or write would
    // instead wait out the frame timeout, so after a moment the socket is shut under it.
    for (int i = 0; i < 100 && thread_.joinable() && !finished_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    {
        std::lock_guard lock(socket_mutex_);
        if (!socket_closed_) ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
    }
    if (thread_.joinable()) thread_.join();
    connection_->close(); // a no-op when the thread already did it
}

void WebSocketConnection::send(const Json& message)
{
    std::string text = message.dump(-1, ' ', false, Json::error_handler_t::replace);
    {
        std::lock_guard lock(mutex_);
        if (overrun_ || finished_) return;
        if (queued_bytes_ + text.size() > max_queued_bytes) {
            overrun_ = true; // a client that reads nothing is not kept in memory forever
        } else {
            queued_bytes_ += text.size();
            queued_.push_back(std::move(text));
        }
    }
    wake(wake_fd_);
}

bool WebSocketConnection::write_queued()
{
    for (;;) {
        std::string frame;
        bool overrun = false;
        {
            std::lock_guard lock(mutex_);
            overrun = overrun_;
            if (!overrun) {
                if (queued_.empty()) return true;
                frame = std::move(queued_.front());
                queued_.pop_front();
                queued_bytes_ -= frame.size();
            }
        }
        // Outside the lock: turn threads queue under it and must never wait on this socket.
        if (overrun) {
            close_with(close_policy, "the client did not read its messages");
            return false;
        }
        socket_.sendFrame(frame.data(), static_cast<int>(frame.size()), Poco::Net::WebSocket::FRAME_TEXT);
    }
}

bool WebSocketConnection::read_frame()
{
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    int n = 0;
    try {
        n = socket_.receiveFrame(buffer, flags);
    } catch (const Poco::Net::WebSocketException& e) {
        if (e.code() == Poco::Net::WebSocket::WS_ERR_PAYLOAD_TOO_BIG) close_with(close_too_big, "a message is limited to 50 MiB");
        return false;
    }
    if (n == 0 && flags == 0) return false; // the peer closed the TCP connection
    const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    const bool fin = (flags & Poco::Net::WebSocket::FRAME_FLAG_FIN) != 0;
    const std::string_view payload(buffer.begin(), static_cast<std::size_t>(n));
    switch (op) {
    case Poco::Net::WebSocket::FRAME_OP_PING:
        socket_.sendFrame(payload.data(), static_cast<int>(payload.size()),
                          static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) | static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
        return true;
    case Poco::Net::WebSocket::FRAME_OP_PONG:
        return true;
    case Poco::Net::WebSocket::FRAME_OP_CLOSE:
        close_with(close_normal, "");
        return false;
    case Poco::Net::WebSocket::FRAME_OP_TEXT:
        partial_.assign(payload);
        break;
    case Poco::Net::WebSocket::FRAME_OP_CONT:
        if (partial_.size() + payload.size() > static_cast<std::size_t>(max_message_bytes)) {
            close_with(close_too_big, "a message is limited to 50 MiB");
            return false;
        }
        partial_.append(payload);
        break;
    default: // binary, or an opcode RFC 6455 reserves
        close_with(close_unsupported, "ACP messages are text frames");
        return false;
    }
    if (fin) connection_->receive(std::exchange(partial_, {}));
    return true;
}

void WebSocketConnection::close_with(Poco::UInt16 code, const std::string& reason)
{
    try {
        socket_.shutdown(code, reason);
    } catch (const Poco::Exception&) {
        // the client is already gone
    }
}

void WebSocketConnection::run()
{
    const int fd = socket_.impl()->sockfd();
    try {
        while (!stopping_) {
            // Bytes read along with the handshake sit in the socket object, not in the kernel.
            if (socket_.available() <= 0) {
                pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
                if (::poll(fds, 2, -1) < 0) {
                    if (errno == EINTR) continue;
                    break;
                }
                if (fds[1].revents & POLLIN) {
                    drain(wake_fd_);
                    if (stopping_) {
                        close_with(close_going_away, "the server is stopping");
                        break;
                    }
                    if (!write_queued()) break;
                }
                if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            }
            if (!read_frame()) break;
            if (!write_queued()) break; // answers given while reading go out at once
        }
    } catch (const Poco::Exception& e) {
        spdlog::debug("ACP WebSocket {} ended: {}", id_, e.displayText());
    }
    {
        std::lock_guard lock(mutex_);
        overrun_ = true; // nothing is queued from now on
        queued_.clear();
        queued_bytes_ = 0;
    }
    connection_->close();
    {
        std::lock_guard lock(socket_mutex_); // close() must not shut down a descriptor reused since
        try {
            socket_.close();
        } catch (const Poco::Exception&) {
        }
        socket_closed_ = true;
    }
    client_slot_.reset();
    finished_ = true;
}

} // namespace gaggle::acp
