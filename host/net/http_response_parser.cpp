#include "net/http_response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace gaggle::net {
namespace {

constexpr std::size_t kMaxLine = 64 * 1024;      // one status/header/chunk-size line
constexpr std::size_t kMaxHeaderBytes = 256 * 1024; // the whole header block

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

} // namespace

HttpResponseParser::HttpResponseParser(HeadFn on_head, BodyFn on_body, bool head_request)
    : on_head_(std::move(on_head)), on_body_(std::move(on_body)), head_request_(head_request)
{
}

HttpResponseParser::Result HttpResponseParser::fail(std::string message)
{
    error_ = std::move(message);
    return Result::error;
}

// Moves bytes into line_ until a '\n'; true when `line` holds a complete line (without CR LF).
bool HttpResponseParser::take_line(std::string_view& bytes, std::string& line)
{
    const auto nl = bytes.find('\n');
    const auto n = nl == std::string_view::npos ? bytes.size() : nl + 1;
    line_.append(bytes.data(), n);
    bytes.remove_prefix(n);
    if (nl == std::string_view::npos) return false;
    line_.pop_back();
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    line.swap(line_);
    line_.clear();
    return true;
}

HttpResponseParser::Result HttpResponseParser::feed(std::string_view bytes)
{
    received_ = received_ || !bytes.empty();
    while (!bytes.empty()) {
        switch (state_) {
        case State::done:
            leftover_ = true; // bytes after the response: ignored, and the connection is not reused
            return Result::done;
        case State::body_close:
        case State::body_length:
        case State::chunk_data: {
            std::size_t n = bytes.size();
            if (state_ != State::body_close) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
            if (!on_body_(bytes.substr(0, n))) return Result::stopped;
            bytes.remove_prefix(n);
            if (state_ == State::body_close) break;
            remaining_ -= n;
            if (remaining_ == 0) state_ = state_ == State::body_length ? State::done : State::chunk_crlf;
            break;
        }
        default: {
            std::string line;
            const bool complete = take_line(bytes, line);
            if (line_.size() > kMaxLine) return fail("response line too long");
            if (!complete) return Result::more;
            Result r = Result::more;
            switch (state_) {
            case State::status_line: r = on_status_line(line); break;
            case State::headers: r = on_header_line(line); break;
            case State::chunk_size: r = on_chunk_size(line); break;
            case State::chunk_crlf:
                if (!line.empty()) return fail("malformed chunked body: missing CRLF after chunk");
                state_ = State::chunk_size;
                break;
            case State::trailers:
                if (line.empty()) state_ = State::done;
                break;
            default: break;
            }
            if (r != Result::more) return r;
        }
        }
    }
    return state_ == State::done ? Result::done : Result::more;
}

HttpResponseParser::Result HttpResponseParser::finish()
{
    if (state_ == State::done || state_ == State::body_close) {
        state_ = State::done;
        return Result::done;
    }
    if (state_ == State::status_line && line_.empty() && status_ == 0)
        return fail("connection closed before a response was received");
    return fail("connection closed before the response body ended");
}

HttpResponseParser::Result HttpResponseParser::on_status_line(const std::string& line)
{
    if (line.empty() && status_ == 0) return Result::more; // tolerate a stray CRLF before the status
    // "HTTP/1.1 200 OK"
    if (line.rfind("HTTP/", 0) != 0) return fail("malformed status line: " + line.substr(0, 80));
    const auto sp = line.find(' ');
    if (sp == std::string::npos || line.size() < sp + 4) return fail("malformed status line: " + line.substr(0, 80));
    int status = 0;
    const char* first = line.data() + sp + 1;
    const auto [ptr, ec] = std::from_chars(first, first + 3, status);
    if (ec != std::errc() || ptr != first + 3 || status < 100 || status > 999)
        return fail("malformed status line: " + line.substr(0, 80));
    status_ = status;
    http11_ = line.rfind("HTTP/1.1 ", 0) == 0;
    headers_.clear();
    header_bytes_ = 0;
    state_ = State::headers;
    return Result::more;
}

HttpResponseParser::Result HttpResponseParser::on_header_line(const std::string& line)
{
    if (line.empty()) return start_body();
    header_bytes_ += line.size();
    if (header_bytes_ > kMaxHeaderBytes) return fail("response headers too large");
    if ((line[0] == ' ' || line[0] == '\t') && !headers_.empty()) { // obsolete line folding
        headers_.back().second += ' ';
        headers_.back().second += trim(line);
        return Result::more;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return fail("malformed header line: " + line.substr(0, 80));
    headers_.emplace_back(std::string(trim(std::string_view(line).substr(0, colon))),
                          std::string(trim(std::string_view(line).substr(colon + 1))));
    return Result::more;
}

HttpResponseParser::Result HttpResponseParser::start_body()
{
    if (status_ >= 100 && status_ < 200 && status_ != 101) { // interim response: the real one follows
        state_ = State::status_line;
        status_ = 0;
        return Result::more;
    }
    if (!on_head_(status_, headers_)) return Result::stopped;
    bool chunked = false;
    std::optional<std::uint64_t> length;
    for (const auto& [name, value] : headers_) {
        const std::string key = lower(name);
        if (key == "transfer-encoding") {
            chunked = lower(value).find("chunked") != std::string::npos;
        } else if (key == "connection") {
            close_asked_ = close_asked_ || lower(value).find("close") != std::string::npos;
        } else if (key == "content-length") {
            std::uint64_t n = 0;
            const auto v = trim(value);
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || ptr != v.data() + v.size()) return fail("malformed Content-Length: " + value);
            length = n;
        }
    }
    framed_ = status_ != 101 && (head_request_ || status_ == 204 || status_ == 304 || chunked || length);
    if (head_request_ || status_ == 204 || status_ == 304) {
        state_ = State::done;
        return Result::done;
    }
    if (chunked) {
        state_ = State::chunk_size;
    } else if (length) {
        remaining_ = *length;
        state_ = remaining_ == 0 ? State::done : State::body_length;
        if (state_ == State::done) return Result::done;
    } else {
        state_ = State::body_close;
    }
    return Result::more;
}

HttpResponseParser::Result HttpResponseParser::on_chunk_size(const std::string& line)
{
    std::string_view v = trim(line);
    if (const auto semi = v.find(';'); semi != std::string_view::npos) v = trim(v.substr(0, semi)); // extensions
    std::uint64_t n = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n, 16);
    if (v.empty() || ec != std::errc() || ptr != v.data() + v.size())
        return fail("malformed chunked body: bad chunk size '" + std::string(v.substr(0, 20)) + "'");
    if (n == 0) {
        state_ = State::trailers;
        return Result::more;
    }
    remaining_ = n;
    state_ = State::chunk_data;
    return Result::more;
}

} // namespace gaggle::net
