#pragma once
// The event-driven writer of long-lived responses (Server-Sent Events). A handler that has
// decided to stream hands its socket over (http/stream_handoff.hpp) and returns, so its HTTP
// worker thread goes back to the pool: an open stream then costs a buffer here, not a thread.
//
// One thread runs an epoll loop over every handed-off socket. A stream's feed says when it has
// something (StreamFeed::attach's wake, callable from any thread); the writer pulls everything
// ready at once and sends it as one HTTP chunk in one write. It also sends each stream its feed's
// heartbeat (`: ping N` every 2 s unless the feed says otherwise).
//
// Slow readers: once a stream has max_pending_bytes unsent, the writer stops pulling from its
// feed (the feed's source, e.g. the session's bounded replay buffer, holds the events meanwhile)
// and resumes when the socket drains. When the feed overruns (its source dropped events this
// client never got) the client is sent a final `Error` event, if its socket takes it, and
// dropped. Memory per stream stays bounded and a slow reader never holds back the feed, the
// turn behind it, or the other streams.
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gaggle {

// What one handed-off stream sends. Every method runs on the writer thread, except that the
// `wake` given to attach() may be called from any thread until detach() returns.
class StreamFeed {
public:
    virtual ~StreamFeed() = default;
    // Once, right after the stream is registered; `wake` asks the writer to call pull() soon.
    // `wake` is cheap and never blocks on the client.
    virtual void attach(std::function<void()> wake) = 0;
    // Appends the SSE text ready now to `out`; false when the stream has ended (its last text
    // appended), after which the writer finishes the response and closes the connection.
    virtual bool pull(std::string& out) = 0;
    // Once, before the feed is destroyed: after it returns, `wake` is never called again.
    virtual void detach() = 0;
    // Asked while the client has `bound` bytes or more unsent, so the writer pulls nothing more:
    // true when the feed can no longer hold what this client has yet to get (it kept more than
    // `bound` itself, or its source dropped events the client never got). The client is dropped.
    virtual bool overrun(std::size_t bound) = 0;
    // The keep-alive text sent every heartbeat_interval() whatever else was sent (the n-th one).
    virtual std::string heartbeat(std::uint64_t n) { return ": ping " + std::to_string(n) + "\n\n"; }
    virtual std::chrono::milliseconds heartbeat_interval() const { return std::chrono::seconds(2); }
};

struct StreamWriterOptions {
    // Bytes a stream may have waiting beyond what the kernel took before the writer stops pulling.
    std::size_t max_pending_bytes = 1024 * 1024;
    std::chrono::milliseconds tick{250}; // how often due heartbeats are looked for
};

class StreamWriter {
public:
    explicit StreamWriter(StreamWriterOptions options = {});
    ~StreamWriter(); // stop()

    void start();
    // Ends every stream (terminating chunk if the socket takes it, then close) and joins the thread.
    void stop();

    // Any thread. Takes over `socket` (the HTTP session must no longer use it): sends `head` (the
    // response status line and headers, chunked transfer encoding) and then the feed's text, each
    // batch framed as one chunk. `hold` is released when the stream closes (a per-client slot).
    void adopt(Poco::Net::StreamSocket socket, std::string head, std::unique_ptr<StreamFeed> feed, std::shared_ptr<void> hold);

    std::size_t open_streams() const noexcept { return open_.load(std::memory_order_relaxed); }

private:
    struct Stream;
    struct Adoption {
        Poco::Net::StreamSocket socket;
        std::string head;
        std::unique_ptr<StreamFeed> feed;
        std::shared_ptr<void> hold;
    };

    void run();
    void signal();
    void wake(Stream& stream);
    void mark_ready(std::uint64_t id); // any thread: service the stream on the next loop
    void register_stream(Adoption adoption);
    void service(Stream& stream);               // pull what is ready, send it
    void on_socket(Stream& stream, std::uint32_t events);
    void heartbeat();
    void queue_chunk(Stream& stream, std::string_view text);
    bool flush(Stream& stream);                  // false when the stream was closed
    void drop_slow_reader(Stream& stream);
    void on_writable(Stream& stream);
    void finish(Stream& stream);                 // terminating chunk, then close once it is out
    void close(std::uint64_t id);
    void close_all();

    StreamWriterOptions options_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::thread thread_;
    std::atomic<std::size_t> open_{0};

    // Handed from other threads to the writer thread.
    std::mutex mutex_;
    std::vector<Adoption> incoming_;
    std::vector<std::uint64_t> ready_;
    bool signalled_ = false;
    bool stopping_ = false;
    bool running_ = false;

    // Writer thread only.
    std::unordered_map<std::uint64_t, std::unique_ptr<Stream>> streams_;
    std::uint64_t next_id_ = 0;
};

} // namespace gaggle
