#pragma once
// Handing a streaming response to the StreamWriter (http/stream_writer.hpp). The connection loop
// opens a StreamHandOff around each handler; a handler that streams calls hand_off_stream(),
// which sends nothing itself: it detaches the socket from the HTTP session, gives it with the
// response headers and a feed to the writer, and returns. The connection then ends without
// closing the socket (no keep-alive after a stream) and its worker thread goes back to the pool.
#include <memory>

namespace gaggle {

class Request;
class Response;
class StreamFeed;
class StreamWriter;

class StreamHandOff {
public:
    // Installs itself as this thread's hand-off until destroyed. `writer` may be null (no writer:
    // hand_off_stream() answers 503). `client_slot` travels with the stream (per-client cap).
    StreamHandOff(StreamWriter* writer, std::shared_ptr<void> client_slot);
    ~StreamHandOff();
    StreamHandOff(const StreamHandOff&) = delete;
    StreamHandOff& operator=(const StreamHandOff&) = delete;

    // The handler handed its socket off: nothing more may be written on the HTTP session.
    bool taken() const noexcept { return taken_; }
    // The hand-off of the request this thread is handling, or null.
    static StreamHandOff* current() noexcept;

private:
    friend void hand_off_stream(Request&, Response&, std::unique_ptr<StreamFeed>);
    friend struct WebSocketUpgrade;
    StreamWriter* writer_;
    std::shared_ptr<void> client_slot_;
    bool taken_ = false;
    StreamHandOff* previous_;
};

// Answers 200 text/event-stream (with the headers already set on `res`) through the writer and
// returns at once. Throws gaggle::Error(unavailable) when this server has no writer (shutting down).
void hand_off_stream(Request& req, Response& res, std::unique_ptr<StreamFeed> feed);

// True when the current request's response went to the writer (the dispatcher sends nothing then).
bool stream_handed_off() noexcept;

} // namespace gaggle
