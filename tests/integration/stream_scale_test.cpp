// Event streams that scale: an open stream holds no HTTP worker thread, a client that stops
// reading is dropped without holding back anyone else, one client address cannot hold more than
// its share of connections, and server shutdown ends every stream.
#include <doctest/doctest.h>

#include "agent_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

json text_reply(const std::vector<std::string>& parts, int delay_ms = 0)
{
    json chunks = json::array();
    for (auto& p : parts) chunks.push_back({{"text", p}});
    return {{"format", "openai"}, {"chunks", chunks}, {"delay_ms", delay_ms}, {"usage", {{"input_tokens", 3}, {"output_tokens", 3}}}};
}

std::unique_ptr<SseClient> events(AgentHarness& h, const std::string& id, const std::map<std::string, std::string>& extra = {})
{
    std::map<std::string, std::string> headers{{"X-Secret-Key", h.server().secret()}};
    for (auto& [k, v] : extra) headers[k] = v;
    return std::make_unique<SseClient>(h.server().port(), "GET", "/sessions/" + id + "/events", "", headers);
}

HttpResult bus_reply(AgentHarness& h, const std::string& id, const std::string& request_id, const std::string& text)
{
    return h.post("/sessions/" + id + "/reply", {{"request_id", request_id}, {"user_message", AgentHarness::user_message(text)}});
}

// The assistant text a stream carried up to its Finish, and the id of each event; "" when the
// stream ended without a Finish.
struct Received {
    std::string text;
    std::vector<std::string> ids;
    bool finished = false;
};

Received read_turn(SseClient& c)
{
    Received r;
    while (auto e = c.next()) {
        if (e->data.empty()) continue;
        const Json j = e->json();
        if (!e->id.empty()) r.ids.push_back(e->id);
        if (j["type"] == "Message" && j["message"]["role"] == "assistant")
            for (auto& part : j["message"]["content"])
                if (part["type"] == "text") r.text += part["text"].get<std::string>();
        if (j["type"] == "Finish") {
            r.finished = true;
            break;
        }
    }
    return r;
}

// A client on a raw socket that sends its request and reads only when told to; `receive_buffer`
// (when not 0) shrinks what the kernel holds for it while it does not read.
class RawStream {
public:
    RawStream(int port, const std::string& request, int receive_buffer = 0)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    }
    ~RawStream() { ::close(fd_); }
    // Reads until `needle` has arrived; false at end-of-file or after idle_ms of silence.
    bool read_until(const std::string& needle, int idle_ms = 10000)
    {
        std::string got;
        char buf[4096];
        while (got.find(needle) == std::string::npos) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, idle_ms) <= 0) return false;
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return false;
            got.append(buf, static_cast<size_t>(n));
        }
        return true;
    }
    // Reads everything up to end-of-file; false when no end came within idle_ms of silence.
    bool read_to_end(std::string& out, int idle_ms = 10000)
    {
        char buf[65536];
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, idle_ms) <= 0) return false;
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) return true;
            if (n < 0) return errno == ECONNRESET;
            out.append(buf, static_cast<size_t>(n));
        }
    }

private:
    int fd_ = -1;
};

std::string events_request(AgentHarness& h, const std::string& id)
{
    return "GET /sessions/" + id + "/events HTTP/1.1\r\nHost: x\r\nX-Secret-Key: " + h.server().secret() + "\r\n\r\n";
}

} // namespace

TEST_CASE("streams: 300 event streams on 4 HTTP threads all get the turn, and the server still answers")
{
    AgentHarness h(json::array({text_reply({"fan ", "out ", "to ", "all"}), text_reply({"legacy ", "too"})}),
                   {{"GAGGLE_HTTP_THREADS", "4"}});
    const std::string id = h.start_session();
    std::vector<std::unique_ptr<SseClient>> streams;
    for (int i = 0; i < 300; ++i) {
        streams.push_back(events(h, id));
        REQUIRE(streams.back()->status() == 200);
        auto hello = streams.back()->next();
        REQUIRE(hello);
        REQUIRE(hello->json()["type"] == "ActiveRequests");
    }
    // Every stream is open, yet the 4 workers are free for ordinary requests.
    CHECK(h.server().get("/status").status == 200);

    REQUIRE(bus_reply(h, id, "fan-1", "hello everyone").status == 200);
    int complete = 0;
    Received first;
    for (auto& s : streams) {
        Received r = read_turn(*s);
        complete += r.finished && r.text == "fan out to all";
        if (first.ids.empty()) first = r;
    }
    CHECK(complete == 300);
    CHECK(h.server().get("/status").status == 200);

    // A reconnect with Last-Event-ID is replayed what followed that event, then the Finish.
    REQUIRE(first.ids.size() >= 3);
    auto again = events(h, id, {{"Last-Event-ID", first.ids[0]}});
    REQUIRE(again->status() == 200);
    CHECK(again->next()->json()["type"] == "ActiveRequests");
    Received replayed = read_turn(*again);
    CHECK(replayed.finished);
    CHECK(std::vector<std::string>(first.ids.begin() + 1, first.ids.end()) == replayed.ids);

    // An id of another epoch (a restart) gets the reload event, then everything kept.
    auto other = events(h, id, {{"Last-Event-ID", "1.1-2"}});
    CHECK(other->next()->json()["type"] == "ActiveRequests");
    auto reset = other->next();
    REQUIRE(reset);
    CHECK(reset->json()["type"] == "Error");
    CHECK(reset->json()["error"] == "Client too far behind - reload conversation");
    CHECK(read_turn(*other).ids == first.ids);

    // The legacy /reply stream goes through the same writer.
    auto legacy = h.reply_all(id, "and /reply?");
    CHECK(streamed_text(legacy) == "legacy too");
}

TEST_CASE("streams: a client that stops reading is dropped; the turn and the other streams go on")
{
    // 256 events of 32 KiB: twice what the session's replay buffer keeps (4 MiB), so a client
    // that reads nothing loses events and is dropped. Paced so that a reading client keeps up.
    std::vector<std::string> parts(256, std::string(32 * 1024, 'x'));
    AgentHarness h(json::array({text_reply(parts, 5)}), {{"GAGGLE_STREAM_BUFFER_BYTES", "65536"}});
    const std::string id = h.start_session();
    RawStream stalled(h.server().port(), events_request(h, id), 4096);
    auto reader = events(h, id);
    REQUIRE(reader->next());

    REQUIRE(bus_reply(h, id, "big-1", "say a lot").status == 200);
    Received r = read_turn(*reader);
    CHECK(r.finished);
    CHECK(r.text.size() == 256u * 32 * 1024);

    // The stalled client's connection was closed by the server: reading it now reaches the end.
    std::string got;
    CHECK(stalled.read_to_end(got));
    CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(got.size() < r.text.size());
    // The session recorded the whole turn.
    Json s = h.session(id);
    REQUIRE(s["conversation"].size() == 2);
    CHECK(s["conversation"][1]["content"][0]["text"].get<std::string>().size() == 256u * 32 * 1024);
}

TEST_CASE("streams: one client address holds at most its cap of connections; auth comes before any stream")
{
    AgentHarness h(json::array({text_reply({"x"})}), {{"GAGGLE_MAX_CONNECTIONS_PER_CLIENT", "3"}});
    const std::string id = h.start_session();

    // Without the secret, no stream: 401 before the route runs.
    SseClient anonymous(h.server().port(), "GET", "/sessions/" + id + "/events", "", {});
    CHECK(anonymous.status() == 401);
    anonymous.close();

    std::vector<std::unique_ptr<SseClient>> held;
    // The anonymous connection's slot is released once the server sees it closed.
    for (int attempt = 0; attempt < 200 && held.size() < 3; ++attempt) {
        auto s = events(h, id);
        if (s->status() == 200) held.push_back(std::move(s));
        else std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(held.size() == 3);
    auto refused = h.server().get("/status");
    CHECK(refused.status == 429);
    CHECK(Json::parse(refused.body)["message"].get<std::string>().find("GAGGLE_MAX_CONNECTIONS_PER_CLIENT") != std::string::npos);

    // A stream that ends gives its slot back.
    held.pop_back();
    int status = 0;
    for (int attempt = 0; attempt < 200 && status != 200; ++attempt) {
        status = h.server().get("/status").status;
        if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(status == 200);
}

TEST_CASE("streams: stopping the server ends every open stream")
{
    AgentHarness h(json::array({text_reply({"x"})}));
    const std::string id = h.start_session();
    std::vector<std::unique_ptr<RawStream>> streams;
    for (int i = 0; i < 50; ++i) streams.push_back(std::make_unique<RawStream>(h.server().port(), events_request(h, id)));
    // A stream is open once its ActiveRequests event came.
    for (auto& s : streams) REQUIRE(s->read_until("ActiveRequests"));
    CHECK(h.server().stop(SIGTERM) == 0);
    int ended = 0;
    for (auto& s : streams) {
        std::string rest;
        // The end of the stream, with the last chunk of a complete chunked response.
        ended += s->read_to_end(rest) && rest.size() >= 5 && rest.compare(rest.size() - 5, 5, "0\r\n\r\n") == 0;
    }
    CHECK(ended == 50);
}
