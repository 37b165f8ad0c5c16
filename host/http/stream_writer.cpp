#include "http/stream_writer.hpp"

#include "common/wake_batch.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <system_error>
#include <unordered_set>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace gaggle {
namespace {

constexpr std::uint64_t wake_token = 0; // epoll data of the eventfd; stream ids start at 1
constexpr int max_iov = 64;

std::string chunk(std::string_view text)
{
    char size[20];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", text.size());
    std::string out;
    out.reserve(static_cast<size_t>(n) + text.size() + 2);
    out.append(size, static_cast<size_t>(n)).append(text).append("\r\n");
    return out;
}

constexpr std::string_view last_chunk = "0\r\n\r\n";

// The writers alive now. A wake held through a burst (common/wake_batch.hpp) may run on a thread
// the writer does not know of (an extension's reader) after the writer is gone; it runs under this
// lock and only for a writer still here, and a writer leaves only under it.
std::mutex live_writers_mutex;
std::unordered_set<const StreamWriter*> live_writers;

} // namespace

struct StreamWriter::Stream {
    std::uint64_t id = 0;
    Poco::Net::StreamSocket socket;
    int fd = -1;
    std::unique_ptr<StreamFeed> feed;
    std::shared_ptr<void> hold;
    std::deque<std::string> out; // whole units (the head, chunks); the front one partly sent
    std::size_t sent = 0;        // bytes of out.front() already written
    std::size_t pending = 0;     // bytes of out not yet written
    std::atomic<bool> queued{false}; // in ready_ (or about to be): one wake per pull, however many events
    bool want_out = false;       // EPOLLOUT is registered
    bool ending = false;         // the terminating chunk is queued: close once everything is out
    bool throttled = false;      // a pull was skipped because the client is behind
    std::chrono::steady_clock::time_point next_beat;
    std::uint64_t beats = 0;
};

StreamWriter::StreamWriter(StreamWriterOptions options) : options_(options)
{
    std::lock_guard lock(live_writers_mutex);
    live_writers.insert(this);
}

StreamWriter::~StreamWriter()
{
    stop();
    std::lock_guard lock(live_writers_mutex);
    live_writers.erase(this);
}

void StreamWriter::start()
{
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "stream writer: epoll/eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = wake_token;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    {
        std::lock_guard lock(mutex_);
        running_ = true;
        stopping_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void StreamWriter::stop()
{
    {
        std::lock_guard lock(mutex_);
        if (!running_) return;
        stopping_ = true;
    }
    signal();
    thread_.join();
    ::close(epoll_fd_);
    ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    std::lock_guard lock(mutex_);
    running_ = false;
}

void StreamWriter::adopt(Poco::Net::StreamSocket socket, std::string head, std::unique_ptr<StreamFeed> feed, std::shared_ptr<void> hold)
{
    {
        std::lock_guard lock(mutex_);
        if (running_ && !stopping_) {
            incoming_.push_back({std::move(socket), std::move(head), std::move(feed), std::move(hold)});
            if (signalled_) return;
            signalled_ = true;
        } else {
            socket.close(); // shutting down: the client sees the connection end
            return;
        }
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void StreamWriter::signal()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void StreamWriter::wake(Stream& stream)
{
    if (stream.queued.exchange(true)) return; // already due for a pull that will see this event too
    // In a burst (one network read of a provider's reply) the pull waits for the burst's end, so
    // its events go out in one write. By id: the stream may close before the burst ends.
    const HeldWake held{[](void* target, std::uint64_t id) {
                            std::lock_guard lock(live_writers_mutex);
                            auto* writer = static_cast<StreamWriter*>(target);
                            if (live_writers.count(writer)) writer->mark_ready(id);
                        },
                        this, stream.id};
    if (!hold_wake(held)) mark_ready(stream.id);
}

void StreamWriter::mark_ready(std::uint64_t id)
{
    bool first;
    {
        std::lock_guard lock(mutex_);
        ready_.push_back(id);
        first = !signalled_;
        signalled_ = true;
    }
    if (first) signal();
}

void StreamWriter::run()
{
    epoll_event events[256];
    auto next_tick = std::chrono::steady_clock::now() + options_.tick;
    for (;;) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - std::chrono::steady_clock::now());
        const int n = ::epoll_wait(epoll_fd_, events, 256, static_cast<int>(std::max<std::int64_t>(0, wait.count())));
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == wake_token) {
                std::uint64_t count;
                [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
                continue;
            }
            auto it = streams_.find(events[i].data.u64);
            if (it != streams_.end()) on_socket(*it->second, events[i].events);
        }
        std::vector<Adoption> incoming;
        std::vector<std::uint64_t> ready;
        bool stopping;
        {
            std::lock_guard lock(mutex_);
            incoming.swap(incoming_);
            ready.swap(ready_);
            signalled_ = false;
            stopping = stopping_;
        }
        if (stopping) {
            for (auto& a : incoming) a.socket.close();
            close_all();
            return;
        }
        for (auto& a : incoming) register_stream(std::move(a));
        for (auto id : ready)
            if (auto it = streams_.find(id); it != streams_.end()) service(*it->second);
        if (std::chrono::steady_clock::now() >= next_tick) {
            heartbeat();
            next_tick = std::chrono::steady_clock::now() + options_.tick;
        }
    }
}

void StreamWriter::register_stream(Adoption adoption)
{
    auto stream = std::make_unique<Stream>();
    Stream& s = *stream;
    s.id = ++next_id_;
    s.socket = std::move(adoption.socket);
    s.feed = std::move(adoption.feed);
    s.hold = std::move(adoption.hold);
    try {
        s.socket.setBlocking(false);
        s.socket.setNoDelay(true);
        s.fd = s.socket.impl()->sockfd();
    } catch (const Poco::Exception& e) {
        spdlog::debug("stream not adopted: {}", e.displayText());
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = s.id;
    if (s.fd < 0 || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.fd, &ev) != 0) {
        spdlog::warn("stream not adopted: epoll_ctl failed (errno {})", errno);
        return;
    }
    s.next_beat = std::chrono::steady_clock::now() + s.feed->heartbeat_interval();
    s.pending = adoption.head.size();
    s.out.push_back(std::move(adoption.head));
    streams_.emplace(s.id, std::move(stream));
    open_.fetch_add(1, std::memory_order_relaxed);
    s.feed->attach([this, &s] { wake(s); });
    service(s);
}

void StreamWriter::service(Stream& s)
{
    if (s.ending) return;
    s.queued.store(false); // a wake from now on asks for another pull
    if (s.pending >= options_.max_pending_bytes) {
        // The client is behind: pull nothing more until its socket drains, unless the feed can
        // no longer keep what the client has yet to get.
        s.throttled = true;
        if (s.feed->overrun(options_.max_pending_bytes)) drop_slow_reader(s);
        return;
    }
    s.throttled = false;
    std::string text;
    const bool more = s.feed->pull(text);
    if (!text.empty()) queue_chunk(s, text);
    if (!more) {
        finish(s);
        return;
    }
    flush(s);
}

void StreamWriter::on_writable(Stream& s)
{
    if (!flush(s)) return;
    if (s.throttled && s.pending < options_.max_pending_bytes) service(s); // catch up on what was held back
}

void StreamWriter::on_socket(Stream& s, std::uint32_t events)
{
    if (events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
        close(s.id);
        return;
    }
    if (events & EPOLLIN) {
        // An SSE client sends nothing after its request; what comes is dropped, and EOF means it left.
        char scratch[4096];
        const ssize_t n = ::recv(s.fd, scratch, sizeof scratch, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            close(s.id);
            return;
        }
    }
    if (events & EPOLLOUT) on_writable(s);
}

void StreamWriter::heartbeat()
{
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::uint64_t> due;
    for (auto& [id, s] : streams_)
        if (!s->ending && now >= s->next_beat && s->pending < options_.max_pending_bytes) due.push_back(id);
    for (auto id : due) {
        auto it = streams_.find(id);
        if (it == streams_.end()) continue;
        Stream& s = *it->second;
        s.next_beat = now + s.feed->heartbeat_interval();
        queue_chunk(s, s.feed->heartbeat(++s.beats));
        flush(s);
    }
}

void StreamWriter::queue_chunk(Stream& s, std::string_view text)
{
    s.out.push_back(chunk(text));
    s.pending += s.out.back().size();
}

bool StreamWriter::flush(Stream& s)
{
    while (!s.out.empty()) {
        iovec iov[max_iov];
        int count = 0;
        for (auto it = s.out.begin(); it != s.out.end() && count < max_iov; ++it, ++count) {
            const size_t skip = count == 0 ? s.sent : 0;
            iov[count].iov_base = it->data() + skip;
            iov[count].iov_len = it->size() - skip;
        }
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = static_cast<size_t>(count);
        const ssize_t written = ::sendmsg(s.fd, &msg, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            close(s.id); // the client is gone
            return false;
        }
        auto left = static_cast<size_t>(written);
        s.pending -= left;
        while (left > 0) {
            const size_t rest = s.out.front().size() - s.sent;
            if (left < rest) {
                s.sent += left;
                break;
            }
            left -= rest;
            s.out.pop_front();
            s.sent = 0;
        }
    }
    if (s.out.empty() && s.ending) {
        close(s.id);
        return false;
    }
    const bool want_out = !s.out.empty();
    if (want_out != s.want_out) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0u);
        ev.data.u64 = s.id;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, s.fd, &ev);
        s.want_out = want_out;
    }
    return true;
}

void StreamWriter::drop_slow_reader(Stream& s)
{
    spdlog::info("dropping an event stream whose client fell too far behind ({} bytes unsent)", s.pending);
    // Keep the unit already partly sent (the chunk framing must stay whole), drop the rest.
    while (s.out.size() > (s.sent > 0 ? 1u : 0u)) s.out.pop_back();
    s.pending = s.out.empty() ? 0 : s.out.front().size() - s.sent;
    queue_chunk(s, "data: {\"type\":\"Error\",\"error\":\"stream dropped: the client read too slowly (more than " +
                       std::to_string(options_.max_pending_bytes) +
                       " bytes unsent and events it never got already discarded); reconnect with Last-Event-ID\"}\n\n");
    s.out.emplace_back(last_chunk);
    s.pending += last_chunk.size();
    s.ending = true;
    const std::uint64_t id = s.id;
    if (flush(s)) close(id); // one attempt only: it is not reading
}

void StreamWriter::finish(Stream& s)
{
    s.out.emplace_back(last_chunk);
    s.pending += last_chunk.size();
    s.ending = true;
    if (flush(s) && s.pending > options_.max_pending_bytes) close(s.id);
}

void StreamWriter::close(std::uint64_t id)
{
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    Stream& s = *it->second;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, s.fd, nullptr);
    s.feed->detach();
    try {
        s.socket.close();
    } catch (const Poco::Exception&) {
        // already closed
    }
    streams_.erase(it);
    open_.fetch_sub(1, std::memory_order_relaxed);
}

void StreamWriter::close_all()
{
    std::vector<std::uint64_t> ids;
    ids.reserve(streams_.size());
    for (auto& [id, s] : streams_) ids.push_back(id);
    for (auto id : ids) {
        auto it = streams_.find(id);
        if (it == streams_.end()) continue;
        Stream& s = *it->second;
        if (!s.ending) {
            s.out.emplace_back(last_chunk);
            s.pending += last_chunk.size();
            s.ending = true;
        }
        if (flush(s)) close(id); // one attempt: shutdown does not wait for slow readers
    }
}

} // namespace gaggle
