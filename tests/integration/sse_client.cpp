#include "sse_client.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

#include <sstream>

namespace gaggle::test {

std::string SseEvent::type() const
{
    try {
        auto j = Json::parse(data);
        return j.is_object() ? j.value("type", std::string()) : std::string();
    } catch (const std::exception&) {
        return {};
    }
}

SseClient::SseClient(int port, const std::string& method, const std::string& path, const std::string& body,
                     const std::map<std::string, std::string>& headers)
    : session_(std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port)))
{
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (auto& [k, v] : headers) req.set(k, v);
    if (method != "GET") req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session_->setTimeout(Poco::Timespan(10, 0));
    session_->sendRequest(req) << body;
    in_ = &session_->receiveResponse(response_);
    status_ = static_cast<int>(response_.getStatus());
}

SseClient::~SseClient() { close(); }

std::string SseClient::body_if_not_stream()
{
    std::stringstream ss;
    ss << in_->rdbuf();
    return ss.str();
}

std::optional<SseEvent> SseClient::next(int timeout_ms)
{
    if (!in_) return std::nullopt;
    session_->socket().setReceiveTimeout(Poco::Timespan(0, timeout_ms * 1000));
    SseEvent e;
    bool any = false;
    std::string line;
    try {
        while (std::getline(*in_, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) {
                if (any) return e;
                continue;
            }
            any = true;
            if (line[0] == ':') e.comments.push_back(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
            else if (line.rfind("data: ", 0) == 0) e.data += (e.data.empty() ? "" : "\n") + line.substr(6);
            else if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
            else if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
        }
    } catch (const Poco::Exception&) {
        return std::nullopt; // timeout or reset
    }
    if (any) return e;
    return std::nullopt;
}

std::vector<SseEvent> SseClient::rest(int timeout_ms)
{
    std::vector<SseEvent> out;
    while (auto e = next(timeout_ms)) out.push_back(std::move(*e));
    return out;
}

void SseClient::close()
{
    if (!session_) return;
    try {
        session_->abort();
    } catch (const std::exception&) {
    }
    session_.reset();
    in_ = nullptr;
}

std::vector<Json> data_events(const std::vector<SseEvent>& events, bool keep_pings)
{
    std::vector<Json> out;
    for (const auto& e : events) {
        if (e.data.empty()) continue;
        Json j = e.json();
        if (!keep_pings && j.is_object() && j.value("type", "") == "Ping") continue;
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace gaggle::test
