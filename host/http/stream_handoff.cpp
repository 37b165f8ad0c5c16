#include "http/stream_handoff.hpp"

#include "common/error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/stream_writer.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace gaggle {
namespace {
thread_local StreamHandOff* t_current = nullptr;
}

StreamHandOff::StreamHandOff(StreamWriter* writer, std::shared_ptr<void> client_slot)
    : writer_(writer), client_slot_(std::move(client_slot)), previous_(t_current)
{
    t_current = this;
}

StreamHandOff::~StreamHandOff() { t_current = previous_; }

StreamHandOff* StreamHandOff::current() noexcept { return t_current; }

bool stream_handed_off() noexcept { return t_current && t_current->taken(); }

void hand_off_stream(Request& req, Response& res, std::unique_ptr<StreamFeed> feed)
{
    StreamHandOff* handoff = t_current;
    auto* raw_request = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req.raw());
    if (!handoff || !handoff->writer_ || !raw_request) throw Error(ErrorKind::unavailable, "event streams are not available");
    if (res.sent()) throw internal_error("response already sent");
    auto& raw = res.raw();
    raw.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    raw.setContentType("text/event-stream");
    raw.setChunkedTransferEncoding(true);
    raw.setKeepAlive(false); // the socket leaves the HTTP session: nothing follows this response
    std::ostringstream head;
    raw.write(head);
    handoff->taken_ = true;
    handoff->writer_->adopt(raw_request->detachSocket(), head.str(), std::move(feed), handoff->client_slot_);
}

} // namespace gaggle
