#include "http/cors.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace gaggle {

Cors::Cors(std::vector<std::string> allowed_origins) : allowed_(std::move(allowed_origins))
{
    any_ = std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end();
}

bool Cors::origin_allowed(const std::string& origin) const
{
    return any_ || std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

void Cors::decorate(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const
{
    if (!request.has("Origin")) return;
    const std::string& origin = request.get("Origin");
    if (!origin_allowed(origin)) return;
    response.set("Access-Control-Allow-Origin", any_ ? "*" : origin);
    if (!any_) response.set("Vary", "Origin");
}

bool Cors::is_preflight(const Poco::Net::HTTPServerRequest& request)
{
    return request.getMethod() == "OPTIONS" && request.has("Origin") && request.has("Access-Control-Request-Method");
}

void Cors::answer_preflight(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const
{
    if (!origin_allowed(request.get("Origin"))) {
        static const std::string body = R"({"message":"Origin not allowed"})";
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_FORBIDDEN);
        response.setContentType("application/json");
        response.setContentLength64(static_cast<Poco::Int64>(body.size()));
        response.sendBuffer(body.data(), body.size());
        return;
    }
    decorate(request, response);
    response.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, PATCH, OPTIONS");
    response.set("Access-Control-Allow-Headers", request.get("Access-Control-Request-Headers", "*"));
    response.set("Access-Control-Max-Age", "86400");
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    response.setContentLength64(0);
    response.send();
}

} // namespace gaggle
