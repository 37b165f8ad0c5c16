#pragma once
// Incremental HTTP/1.1 response framing: status line, headers, then a body delimited by
// Content-Length, chunked transfer coding, or the end of the connection. It is fed whatever the
// socket returned, so a streamed body (SSE, NDJSON) reaches the caller as soon as it arrives, and
// it knows whether the body really ended, so a dropped connection is never mistaken for a reply.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaggle::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpResponseParser {
public:
    // Returning false from either callback asks the reader to stop (the transfer is abandoned).
    using HeadFn = std::function<bool(int status, const HeaderList& headers)>;
    using BodyFn = std::function<bool(std::string_view chunk)>;

    enum class Result { more, done, stopped, error };

    HttpResponseParser(HeadFn on_head, BodyFn on_body, bool head_request = false);

    // Consume bytes. `more` means feed again; `done` means the response is complete.
    Result feed(std::string_view bytes);
    // The peer closed the connection: `done` when that ends the body, `error` when it cut it short.
    Result finish();

    const std::string& error() const noexcept { return error_; }
    // After `done`: the connection may carry another request. True for an HTTP/1.1 response whose
    // body ended by its own framing (length, chunks, or none), without `Connection: close`, and
    // with no byte after it.
    bool reusable() const noexcept { return state_ == State::done && http11_ && framed_ && !close_asked_ && !leftover_; }
    // Some byte of a response arrived (a failure before any did may be an idle connection that the
    // server had closed).
    bool received_anything() const noexcept { return received_; }

private:
    enum class State { status_line, headers, body_length, body_close, chunk_size, chunk_data, chunk_crlf, trailers, done };

    Result fail(std::string message);
    bool take_line(std::string_view& bytes, std::string& line);
    Result on_status_line(const std::string& line);
    Result on_header_line(const std::string& line);
    Result start_body();
    Result on_chunk_size(const std::string& line);

    HeadFn on_head_;
    BodyFn on_body_;
    bool head_request_;
    State state_ = State::status_line;
    std::string line_;
    int status_ = 0;
    HeaderList headers_;
    std::size_t header_bytes_ = 0;
    std::uint64_t remaining_ = 0;
    std::string error_;
    bool http11_ = false, framed_ = false, close_asked_ = false, leftover_ = false, received_ = false;
};

} // namespace gaggle::net
