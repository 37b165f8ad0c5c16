#pragma once
// How a route handler answers. One of json/text/empty sends a whole response; stream() sends the
// headers and hands back a stream for Server-Sent Events and other long bodies.
#include "common/json.hpp"

#include <ostream>
#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace gaggle {

class Response {
public:
    explicit Response(Poco::Net::HTTPServerResponse& raw) : raw_(raw) {}

    void header(const std::string& name, const std::string& value);
    void json(const Json& body, int status = 200);
    void json_text(std::string_view json_body, int status = 200); // already-serialised JSON
    void text(std::string_view body, int status = 200, const std::string& content_type = "text/plain; charset=utf-8");
    void empty(int status = 200);
    // {"message": ...} with the given status: the error shape of every route.
    void error(int status, const std::string& message);

    // Sends status + headers now (chunked) and returns the body stream. The caller writes and
    // flushes; a failed stream (client gone) shows as !stream.good().
    std::ostream& stream(int status, const std::string& content_type);

    bool sent() const noexcept { return sent_; }
    int status() const noexcept { return status_; }
    size_t bytes() const noexcept { return bytes_; }
    Poco::Net::HTTPServerResponse& raw() noexcept { return raw_; }

private:
    void send(std::string_view body, int status, const std::string& content_type);

    Poco::Net::HTTPServerResponse& raw_;
    bool sent_ = false;
    int status_ = 0;
    size_t bytes_ = 0;
};

} // namespace gaggle
