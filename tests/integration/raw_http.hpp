#pragma once
// A raw HTTP/1.1 connection for tests that must control the bytes on the wire: several requests on
// one kept-alive socket, bodies that do not match their headers, half-sent requests.
#include "server_process.hpp"

#include <optional>
#include <string>

namespace gaggle::test {

class RawConnection {
public:
    explicit RawConnection(int port); // throws when it cannot connect
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Writes all of `bytes`; false when the peer is gone.
    bool send(const std::string& bytes);
    // No more bytes from us (the server sees end-of-file on its reads).
    void finish_sending();
    // Reads one response (a Content-Length or chunked body, or up to end-of-file); nullopt when
    // the connection closed before a status line, or nothing came within `timeout_ms`.
    std::optional<HttpResult> read_response(int timeout_ms = 30000);
    // True when the server closed the connection (end-of-file within `timeout_ms`).
    bool closed_by_server(int timeout_ms = 5000);

private:
    bool fill(int timeout_ms); // appends what arrives to buffer_; false on EOF, error or timeout
    int fd_ = -1;
    std::string buffer_;
};

// "METHOD path HTTP/1.1" with Host, the given extra header lines (each ending in \r\n) and body
// with its Content-Length.
std::string raw_request(const std::string& method, const std::string& path, const std::string& extra_headers,
                        const std::string& body);

} // namespace gaggle::test
