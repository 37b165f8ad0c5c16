#include "http/response.hpp"

#include "common/error.hpp"

#include <Poco/Net/HTTPServerResponse.h>

namespace gaggle {

void Response::header(const std::string& name, const std::string& value) { raw_.set(name, value); }

void Response::send(std::string_view body, int status, const std::string& content_type)
{
    if (sent_) throw internal_error("response already sent");
    raw_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    if (!content_type.empty()) raw_.setContentType(content_type);
    raw_.setContentLength64(static_cast<Poco::Int64>(body.size()));
    sent_ = true;
    status_ = status;
    bytes_ = body.size();
    raw_.sendBuffer(body.data(), body.size());
}

void Response::json(const Json& body, int status)
{
    json_text(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

void Response::json_text(std::string_view body, int status) { send(body, status, "application/json"); }

void Response::text(std::string_view body, int status, const std::string& content_type)
{
    send(body, status, content_type);
}

void Response::empty(int status) { send({}, status, ""); }

void Response::error(int status, const std::string& message) { json(Json{{"message", message}}, status); }

std::ostream& Response::stream(int status, const std::string& content_type)
{
    if (sent_) throw internal_error("response already sent");
    raw_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    raw_.setContentType(content_type);
    raw_.setChunkedTransferEncoding(true);
    sent_ = true;
    status_ = status;
    return raw_.send();
}

} // namespace gaggle
