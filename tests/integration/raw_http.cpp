#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace gaggle::test {

RawConnection::RawConnection(int port)
{
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd_ >= 0) ::close(fd_);
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
}

RawConnection::~RawConnection()
{
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes)
{
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

void RawConnection::finish_sending() { ::shutdown(fd_, SHUT_WR); }

bool RawConnection::fill(int timeout_ms)
{
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
}

std::optional<HttpResult> RawConnection::read_response(int timeout_ms)
{
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(timeout_ms)) return std::nullopt;
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);

    HttpResult out;
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    const size_t sp = status_line.find(' ');
    if (sp == std::string::npos) return std::nullopt;
    out.status = std::atoi(status_line.c_str() + sp + 1);
    while (line_end != std::string::npos) {
        const size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon), value = line.substr(colon + 1);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        value.erase(0, value.find_first_not_of(' '));
        out.headers[name] = value;
    }

    if (out.header("transfer-encoding") == "chunked") {
        for (;;) {
            size_t eol;
            while ((eol = buffer_.find("\r\n")) == std::string::npos)
                if (!fill(timeout_ms)) return out;
            const size_t size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
            while (buffer_.size() < eol + 2 + size + 2)
                if (!fill(timeout_ms)) return out;
            out.body += buffer_.substr(eol + 2, size);
            buffer_.erase(0, eol + 2 + size + 2);
            if (size == 0) return out;
        }
    }
    if (!out.header("content-length").empty()) {
        const size_t length = std::stoul(out.header("content-length"));
        while (buffer_.size() < length)
            if (!fill(timeout_ms)) break;
        out.body = buffer_.substr(0, std::min(length, buffer_.size()));
        buffer_.erase(0, out.body.size());
        return out;
    }
    if (out.status == 204 || out.status == 304 || out.status / 100 == 1) return out;
    while (fill(timeout_ms)) {
    }
    out.body = std::move(buffer_);
    buffer_.clear();
    return out;
}

bool RawConnection::closed_by_server(int timeout_ms)
{
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, MSG_PEEK) <= 0;
}

std::string raw_request(const std::string& method, const std::string& path, const std::string& extra_headers,
                        const std::string& body)
{
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace gaggle::test
