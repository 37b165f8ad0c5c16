#pragma once
// Cross-origin requests from web pages. Pre-flights are answered before auth (a browser never
// sends the secret on a pre-flight). Allowed origins come from config; "*" allows any, which is
// what the desktop and upstream goosed do.
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}

namespace gaggle {

class Cors {
public:
    explicit Cors(std::vector<std::string> allowed_origins);

    bool origin_allowed(const std::string& origin) const;
    // Adds Access-Control-Allow-Origin (and Vary) to any response for an allowed Origin.
    void decorate(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const;
    static bool is_preflight(const Poco::Net::HTTPServerRequest& request);
    // Answers a pre-flight: 204 with the allow headers, or 403 when the origin is not allowed.
    void answer_preflight(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const;

private:
    std::vector<std::string> allowed_;
    bool any_ = false;
};

} // namespace gaggle
