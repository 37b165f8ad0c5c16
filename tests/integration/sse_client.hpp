#pragma once
// Reads a Server-Sent Events response as it arrives, one event at a time, so a test can act in
// the middle of a stream (answer a confirmation, hang up, reconnect).
#include "common/json.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::test {

struct SseEvent {
    std::string id, event, data; // data lines joined
    std::vector<std::string> comments;
    Json json() const { return Json::parse(data); }
    std::string type() const;    // the JSON "type" of data, or ""
};

class SseClient {
public:
    // Sends the request; status() tells how it was answered.
    SseClient(int port, const std::string& method, const std::string& path, const std::string& body,
              const std::map<std::string, std::string>& headers);
    ~SseClient();

    int status() const { return status_; }
    std::string body_if_not_stream(); // for a non-200 answer
    // The next event; nullopt at the end of the stream or after timeout_ms without one.
    std::optional<SseEvent> next(int timeout_ms = 10000);
    // Every remaining event until the stream ends.
    std::vector<SseEvent> rest(int timeout_ms = 20000);
    // Hangs up mid-stream.
    void close();

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    Poco::Net::HTTPResponse response_;
    std::istream* in_ = nullptr;
    int status_ = 0;
};

// All events of a finished stream, as JSON, ignoring comments and Pings.
std::vector<Json> data_events(const std::vector<SseEvent>& events, bool keep_pings = false);

} // namespace gaggle::test
