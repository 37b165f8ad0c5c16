#include "net/outbound_http.hpp"

#include "common/wake_batch.hpp"
#include "net/connection_pool.hpp"
#include "net/resolver.hpp"
#include "net/tls_context.hpp"
#include "net/transfer_watchdog.hpp"
#include "net/url.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <sys/socket.h>

#ifndef GAGGLE_VERSION
#define GAGGLE_VERSION "0"
#endif

namespace gaggle::net {
namespace {

using std::chrono::milliseconds;

bool is_token(std::string_view s)
{
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

bool is_header_value(std::string_view s)
{
    return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// The request head. Framing headers are ours: a caller's Host/Content-Length/Connection/
// Transfer-Encoding would contradict what we actually send.
std::string request_head(const OutboundRequest& request, const Url& url)
{
    std::string head = request.method + " " + url.target + " HTTP/1.1\r\nHost: " + url.authority() + "\r\n";
    bool has_agent = false;
    for (const auto& [name, value] : request.headers) {
        if (iequals(name, "host") || iequals(name, "content-length") || iequals(name, "connection") ||
            iequals(name, "transfer-encoding"))
            continue;
        has_agent = has_agent || iequals(name, "user-agent");
        head += name + ": " + value + "\r\n";
    }
    if (!has_agent) head += "User-Agent: gaggle/" GAGGLE_VERSION "\r\n";
    const bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if (has_body) head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    head += "\r\n"; // HTTP/1.1 keeps the connection: it goes back to the pool after a clean response
    return head;
}

std::string ms_text(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

class Transfer {
public:
    Transfer(const OutboundRequest& request, const OutboundHandlers& handlers, Url url)
        : request_(request), handlers_(handlers), url_(std::move(url)),
          connect_timeout_(request.connect_timeout.count() > 0 ? request.connect_timeout : OutboundRequest{}.connect_timeout),
          idle_timeout_(request.idle_timeout.count() > 0 ? request.idle_timeout : OutboundRequest{}.idle_timeout),
          origin_(url_.scheme + "://" + url_.authority()), where_(url_.host + ":" + std::to_string(url_.port))
    {
    }

    OutboundResult run()
    {
        if (auto idle = ConnectionPool::instance().take(origin_)) {
            Attempt attempt = exchange(*idle, true);
            // A kept-alive connection the server closed as we sent (nothing came back): once
            // more on a new one. Anything else is the answer.
            if (!attempt.stale) return attempt.result;
        }
        return connect_and_exchange();
    }

private:
    struct Attempt {
        OutboundResult result;
        bool stale = false; // a reused connection failed before any byte of a response
    };

    bool cancelled() const { return handlers_.cancelled && handlers_.cancelled(); }

    OutboundResult connect_and_exchange()
    {
        const Resolved resolved = resolve(url_.host, url_.port, connect_timeout_, handlers_.cancelled);
        switch (resolved.status) {
        case ResolveStatus::ok: break;
        case ResolveStatus::cancelled: return {OutboundStatus::cancelled, "cancelled"};
        case ResolveStatus::timeout: return {OutboundStatus::timeout, resolved.message};
        case ResolveStatus::failed: return {OutboundStatus::network, resolved.message};
        }
        const Poco::Net::SocketAddress& address = resolved.address;
        if (cancelled()) return {OutboundStatus::cancelled, "cancelled"};

        Poco::Net::StreamSocket plain(address.family());
        Poco::Net::StreamSocket socket;
        {
            // The watch ends before the socket can be pooled; the socket outlives it.
            const auto watch = TransferWatchdog::instance().watch(plain.impl()->sockfd(), handlers_.cancelled, connect_timeout_);
            watch_ = watch.get();
            connected_ = false;
            try {
                plain.connect(address, backstop());
                plain.setNoDelay(true);
                // The TLS handshake below is bounded like every later read and write.
                plain.setReceiveTimeout(backstop());
                plain.setSendTimeout(backstop());
                if (url_.scheme == "https") socket = Poco::Net::SecureStreamSocket::attach(plain, url_.host, tls_client_context());
                else socket = plain;
            } catch (const Poco::Exception& e) {
                return failed(e, "could not connect to " + where_ + ": ");
            }
        }
        return exchange(socket, false).result;
    }

    Poco::Timespan backstop() const
    {
        return Poco::Timespan(static_cast<long>((std::max(connect_timeout_, idle_timeout_) + milliseconds(5000)).count() / 1000), 0);
    }

    // Sends the request on a connected socket and reads the response; a clean keep-alive
    // connection goes back to the pool afterwards.
    Attempt exchange(Poco::Net::StreamSocket& socket, bool reused)
    {
        Attempt attempt;
        bool reusable = false;
        {
            const auto watch = TransferWatchdog::instance().watch(socket.impl()->sockfd(), handlers_.cancelled, idle_timeout_);
            watch_ = watch.get();
            connected_ = true;
            socket.setReceiveTimeout(backstop());
            socket.setSendTimeout(backstop());
            try {
                send_all(socket, request_head(request_, url_));
                send_all(socket, request_.body);
            } catch (const Poco::Exception& e) {
                attempt.result = failed(e, "sending the request to " + where_ + " failed: ");
                attempt.stale = reused && attempt.result.status == OutboundStatus::network;
                return attempt;
            }
            HttpResponseParser parser(
                [this](int status, const HeaderList& headers) { return !handlers_.on_response || handlers_.on_response(status, headers); },
                [this](std::string_view chunk) { return !handlers_.on_data || handlers_.on_data(chunk); },
                request_.method == "HEAD");
            attempt.result = receive(socket, parser);
            attempt.stale = reused && attempt.result.status == OutboundStatus::network && !parser.received_anything();
            reusable = attempt.result.status == OutboundStatus::ok && parser.reusable() && watch->reason() == StopReason::none;
        }
        if (reusable) ConnectionPool::instance().give_back(origin_, socket);
        return attempt;
    }

    // Why a socket call failed: the watchdog's reason wins over the exception it caused.
    OutboundResult failed(const Poco::Exception& e, const std::string& context)
    {
        if (auto r = stopped_by_watchdog()) return *r;
        if (dynamic_cast<const Poco::TimeoutException*>(&e))
            return {OutboundStatus::timeout, context + (connected_ ? "no data for " + ms_text(idle_timeout_) : "timed out")};
        return {OutboundStatus::network, context + e.displayText()};
    }

    std::optional<OutboundResult> stopped_by_watchdog() const
    {
        switch (watch_->reason()) {
        case StopReason::cancelled: return OutboundResult{OutboundStatus::cancelled, "cancelled"};
        case StopReason::deadline:
            if (!connected_)
                return OutboundResult{OutboundStatus::timeout, "connecting to " + url_.authority() + " timed out after " + ms_text(connect_timeout_)};
            return OutboundResult{OutboundStatus::timeout, "no data from " + url_.authority() + " for " + ms_text(idle_timeout_)};
        case StopReason::none: break;
        }
        return std::nullopt;
    }

    void send_all(Poco::Net::StreamSocket& socket, std::string_view bytes)
    {
        while (!bytes.empty()) {
            // MSG_NOSIGNAL: a peer that hung up is an error here, not a SIGPIPE for the process.
            const int n = socket.sendBytes(bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)), MSG_NOSIGNAL);
            if (n <= 0) throw Poco::Net::ConnectionResetException("connection closed while sending");
            bytes.remove_prefix(static_cast<std::size_t>(n));
            watch_->extend(idle_timeout_);
        }
    }

    OutboundResult receive(Poco::Net::StreamSocket& socket, HttpResponseParser& parser)
    {
        std::array<char, 16 * 1024> buffer{};
        for (;;) {
            int n = 0;
            try {
                n = socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
            } catch (const Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
                n = 0; // a peer that closes without close_notify: the parser decides if the body ended
            } catch (const Poco::Exception& e) {
                return failed(e, "reading from " + where_ + " failed: ");
            }
            if (auto r = stopped_by_watchdog()) return *r;
            HttpResponseParser::Result r;
            if (n <= 0) {
                r = parser.finish();
            } else {
                watch_->extend(idle_timeout_);
                // What the receiver makes of one read (often many events) reaches its clients in one write.
                const WakeBatch burst;
                r = parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
            }
            switch (r) {
            case HttpResponseParser::Result::done: return {};
            case HttpResponseParser::Result::stopped: return {OutboundStatus::cancelled, "stopped by the receiver"};
            case HttpResponseParser::Result::error: return {OutboundStatus::network, parser.error() + " (" + where_ + ")"};
            case HttpResponseParser::Result::more: break;
            }
        }
    }

    const OutboundRequest& request_;
    const OutboundHandlers& handlers_;
    Url url_;
    TransferWatchdog::Watch* watch_ = nullptr; // the current attempt's, which outlives every use
    const milliseconds connect_timeout_, idle_timeout_; // the request's, or the defaults for 0
    const std::string origin_;                          // the pool's key
    const std::string where_;                           // host:port, for messages
    bool connected_ = false;
};

} // namespace

OutboundResult perform(const OutboundRequest& request, const OutboundHandlers& handlers) noexcept
{
    try {
        auto url = parse_url(request.url);
        if (!url) return {OutboundStatus::invalid_argument, "not an absolute http(s) URL: " + request.url.substr(0, 200)};
        if (!is_token(request.method)) return {OutboundStatus::invalid_argument, "invalid HTTP method"};
        for (const auto& [name, value] : request.headers)
            if (!is_token(name) || !is_header_value(value))
                return {OutboundStatus::invalid_argument, "invalid HTTP header: " + name.substr(0, 100)};
        if (handlers.cancelled && handlers.cancelled()) return {OutboundStatus::cancelled, "cancelled"};
        Transfer transfer(request, handlers, std::move(*url));
        return transfer.run();
    } catch (const std::exception& e) {
        return {OutboundStatus::network, e.what()};
    } catch (...) {
        return {OutboundStatus::network, "unknown error"};
    }
}

} // namespace gaggle::net
