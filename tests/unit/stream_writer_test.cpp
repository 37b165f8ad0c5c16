// The parts behind scalable event streams: the writer's framing and batching over a real loopback
// socket, the bus's publish notification, and the per-client connection cap.
#include "agent/event_bus.hpp"
#include "common/wake_batch.hpp"
#include "http/client_limit.hpp"
#include "http/stream_writer.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace gaggle;

namespace {

// A feed whose text the test sets; `end` makes the next pull the last.
class ScriptedFeed final : public StreamFeed {
public:
    struct State {
        std::mutex mutex;
        std::string text;
        bool end = false;
        std::function<void()> wake;
        std::atomic<bool> detached{false};
    };
    explicit ScriptedFeed(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void attach(std::function<void()> wake) override
    {
        std::lock_guard lock(state_->mutex);
        state_->wake = std::move(wake);
    }
    bool pull(std::string& out) override
    {
        std::lock_guard lock(state_->mutex);
        out += std::exchange(state_->text, {});
        return !state_->end;
    }
    void detach() override
    {
        std::lock_guard lock(state_->mutex);
        state_->wake = nullptr;
        state_->detached = true;
    }
    bool overrun(std::size_t) override { return false; }
    std::chrono::milliseconds heartbeat_interval() const override { return std::chrono::hours(1); } // no ping in the way

private:
    std::shared_ptr<State> state_;
};

// Reads from `socket` until `needle` arrives or the peer closes; everything read so far.
std::string read_until(Poco::Net::StreamSocket& socket, std::string_view needle)
{
    std::string got;
    char buf[4096];
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    while (got.find(needle) == std::string::npos) {
        const int n = socket.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
    }
    return got;
}

// A running writer with one stream adopted (its head already read by the client).
struct OpenStream {
    Poco::Net::ServerSocket listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
    Poco::Net::StreamSocket client{listener.address()};
    StreamWriter writer;
    std::shared_ptr<ScriptedFeed::State> state = std::make_shared<ScriptedFeed::State>();

    OpenStream()
    {
        writer.start();
        writer.adopt(listener.acceptConnection(), "HTTP/1.1 200 OK\r\n\r\n", std::make_unique<ScriptedFeed>(state), nullptr);
        read_until(client, "\r\n\r\n");
    }
};

} // namespace

TEST_CASE("stream writer: sends the head, batches what is ready into one chunk, ends with the last chunk")
{
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::StreamSocket client(listener.address());
    Poco::Net::StreamSocket server_side = listener.acceptConnection();

    StreamWriter writer;
    writer.start();
    auto state = std::make_shared<ScriptedFeed::State>();
    state->text = "data: 1\n\ndata: 2\n\n"; // ready before the first pull: one chunk
    auto slot = std::make_shared<int>(0);
    writer.adopt(server_side, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", std::make_unique<ScriptedFeed>(state), slot);
    const std::string first = read_until(client, "data: 2\n\n\r\n");
    CHECK(first == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12\r\ndata: 1\n\ndata: 2\n\n\r\n");
    CHECK(writer.open_streams() == 1);

    {
        std::lock_guard lock(state->mutex);
        state->text = "data: 3\n\n";
        state->end = true;
        state->wake();
    }
    const std::string rest = read_until(client, "0\r\n\r\n");
    CHECK(rest == "9\r\ndata: 3\n\n\r\n0\r\n\r\n");
    char byte;
    CHECK(client.receiveBytes(&byte, 1) == 0); // closed after the last chunk
    writer.stop();
    CHECK(state->detached);
    CHECK(slot.use_count() == 1); // the stream let go of its hold
}

TEST_CASE("stream writer: events woken during one burst (a WakeBatch) go out in one chunk when it ends")
{
    OpenStream open;
    auto& [listener, client, writer, state] = open;
    {
        const WakeBatch burst;
        for (const char* event : {"data: a\n\n", "data: b\n\n", "data: c\n\n"}) {
            {
                std::lock_guard lock(state->mutex);
                state->text += event;
                state->wake();
            }
            // Time enough for the writer to pull and send the first event alone, were it woken.
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
    }
    CHECK(read_until(client, "data: c\n\n\r\n") == "1b\r\ndata: a\n\ndata: b\n\ndata: c\n\n\r\n");
    // Outside a burst a wake is not held: the next event goes out on its own.
    {
        std::lock_guard lock(state->mutex);
        state->text = "data: d\n\n";
        state->end = true;
        state->wake();
    }
    CHECK(read_until(client, "0\r\n\r\n") == "9\r\ndata: d\n\n\r\n0\r\n\r\n");
    writer.stop();
}

TEST_CASE("stream writer: a wake held through a burst that outlasts the writer does nothing (under ASan: no use after free)")
{
    const WakeBatch burst;
    auto open = std::make_unique<OpenStream>();
    {
        std::lock_guard lock(open->state->mutex);
        open->state->text = "data: late\n\n";
        open->state->wake(); // held: the burst is still open
    }
    open.reset(); // the writer stops and is freed before the burst ends and runs the wake
}

TEST_CASE("wake batch: holds wakes only while open, runs each distinct one once when the outermost closes")
{
    std::vector<std::uint64_t> ran;
    const auto record = [](void* target, std::uint64_t arg) { static_cast<std::vector<std::uint64_t>*>(target)->push_back(arg); };
    CHECK_FALSE(hold_wake({record, &ran, 1})); // no batch: the caller wakes now
    {
        const WakeBatch outer;
        CHECK(hold_wake({record, &ran, 1}));
        {
            const WakeBatch inner;
            CHECK(hold_wake({record, &ran, 2}));
            CHECK(hold_wake({record, &ran, 1})); // the same wake again: still once
        }
        CHECK(ran.empty()); // an inner batch closing runs nothing
    }
    CHECK(ran == std::vector<std::uint64_t>{1, 2});
    CHECK_FALSE(hold_wake({record, &ran, 3}));
}

TEST_CASE("stream writer: a client that hangs up is noticed and its feed detached")
{
    OpenStream open;
    auto& [listener, client, writer, state] = open;
    client.close();
    for (int i = 0; i < 500 && writer.open_streams() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(state->detached);
    CHECK(writer.open_streams() == 0);
}

TEST_CASE("event bus: listeners are told of every publish until they unlisten")
{
    SessionEventBus bus;
    int told = 0;
    const auto id = bus.listen([&] { ++told; });
    bus.publish(Json{{"type", "Message"}}, "r");
    bus.publish(Json{{"type", "Message"}}, "r");
    CHECK(told == 2);
    CHECK(bus.oldest_seq() == 1);
    bus.unlisten(id);
    bus.publish(Json{{"type", "Message"}}, "r");
    CHECK(told == 2);
    SessionEventBus empty;
    CHECK(empty.oldest_seq() == 1);
}

TEST_CASE("client limit: an address holds at most its cap; a slot comes back when its last copy goes")
{
    ClientLimit limit(2);
    auto a = limit.acquire("10.0.0.1");
    auto b = limit.acquire("10.0.0.1");
    REQUIRE(a);
    REQUIRE(b);
    CHECK_FALSE(limit.acquire("10.0.0.1"));
    CHECK(limit.acquire("10.0.0.2")); // another address has its own count
    auto copy = b;                    // a handed-off stream keeps the slot
    b.reset();
    CHECK_FALSE(limit.acquire("10.0.0.1"));
    copy.reset();
    CHECK(limit.acquire("10.0.0.1"));
}
