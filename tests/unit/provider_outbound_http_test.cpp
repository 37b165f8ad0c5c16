// The host's outbound HTTP client (host/net) that provider plugins reach through
// "gaggle.host.http/1": response framing, URLs, streaming, deadlines and cancellation.
#include "net/connection_pool.hpp"
#include "net/http_response_parser.hpp"
#include "net/http_service.hpp"
#include "net/outbound_http.hpp"
#include "net/transfer_watchdog.hpp"
#include "net/url.hpp"
#include "scripted_provider/scripted_provider.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using namespace gaggle::net;
using nlohmann::json;

namespace {

struct Parsed {
    int status = 0;
    HeaderList headers;
    std::string body;
    HttpResponseParser::Result result = HttpResponseParser::Result::more;
    std::string error;
};

// Feed `wire` in pieces of `step` bytes, then end of stream.
Parsed parse(const std::string& wire, std::size_t step)
{
    Parsed p;
    HttpResponseParser parser([&](int s, const HeaderList& h) { p.status = s, p.headers = h; return true; },
                              [&](std::string_view b) { p.body.append(b); return true; });
    for (std::size_t i = 0; i < wire.size() && p.result == HttpResponseParser::Result::more; i += step)
        p.result = parser.feed(std::string_view(wire).substr(i, step));
    if (p.result == HttpResponseParser::Result::more) p.result = parser.finish();
    p.error = parser.error();
    return p;
}

long long ms_since(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

TEST_CASE("outbound http: the response parser handles every split of chunked and sized bodies")
{
    const std::string chunked = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A:  b \r\n\r\n"
                                "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
    const std::string sized = "HTTP/1.1 404 Not Found\nContent-Length: 3\n\nabc";
    for (std::size_t step = 1; step <= chunked.size(); ++step) {
        CAPTURE(step);
        const Parsed c = parse(chunked, step);
        REQUIRE(c.result == HttpResponseParser::Result::done);
        CHECK(c.status == 200);
        CHECK(c.body == "hello world");
        CHECK(c.headers.at(1) == std::pair<std::string, std::string>("X-A", "b"));
        const Parsed s = parse(sized, step);
        CHECK(s.result == HttpResponseParser::Result::done);
        CHECK(s.status == 404);
        CHECK(s.body == "abc");
    }
    SUBCASE("a body delimited by the connection end")
    {
        const Parsed p = parse("HTTP/1.1 200 OK\r\n\r\nuntil close", 4);
        CHECK(p.result == HttpResponseParser::Result::done);
        CHECK(p.body == "until close");
    }
    SUBCASE("truncation is an error, never a short reply")
    {
        CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 3).result == HttpResponseParser::Result::error);
        CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 3).result == HttpResponseParser::Result::error);
        CHECK(parse("", 1).result == HttpResponseParser::Result::error);
    }
    SUBCASE("garbage is an error")
    {
        CHECK(parse("SSH-2.0-OpenSSH\r\n\r\n", 5).result == HttpResponseParser::Result::error);
        CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 5).result == HttpResponseParser::Result::error);
    }
}

TEST_CASE("outbound http: URLs")
{
    auto u = parse_url("https://api.openai.com/v1/chat/completions?x=1#frag");
    REQUIRE(u);
    CHECK(u->scheme == "https");
    CHECK(u->host == "api.openai.com");
    CHECK(u->port == 443);
    CHECK(u->target == "/v1/chat/completions?x=1");
    CHECK(u->authority() == "api.openai.com");
    u = parse_url("http://[::1]:11434");
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->target == "/");
    CHECK(u->authority() == "[::1]:11434");
    CHECK_FALSE(parse_url("ftp://x/"));
    CHECK_FALSE(parse_url("localhost:11434"));
    CHECK_FALSE(parse_url("http://host:99999/"));
    CHECK_FALSE(parse_url("http://host/a b"));
}

TEST_CASE("outbound http: streams a chunked response as it arrives")
{
    gaggle::testing::ScriptedProvider server(json::array({json{
        {"format", "raw"}, {"chunks", json::array({{{"raw", "one\n"}}, {{"raw", "two\n"}, {"delay_ms", 150}}})}}}));
    server.start();
    OutboundRequest request;
    request.method = "POST";
    request.url = server.base_url() + "/stream?q=1";
    request.headers = {{"X-Test", "yes"}, {"Content-Length", "999"}};
    request.body = "{\"hello\":1}";
    std::vector<std::pair<long long, std::string>> pieces;
    int status = 0;
    const auto start = std::chrono::steady_clock::now();
    OutboundHandlers handlers;
    handlers.on_response = [&](int s, const HeaderList&) { status = s; return true; };
    handlers.on_data = [&](std::string_view d) { pieces.emplace_back(ms_since(start), std::string(d)); return true; };
    const OutboundResult result = perform(request, handlers);
    REQUIRE_MESSAGE(result.status == OutboundStatus::ok, result.message);
    CHECK(status == 200);
    std::string all;
    for (auto& [t, d] : pieces) all += d;
    CHECK(all == "one\ntwo\n");
    REQUIRE(pieces.size() >= 2);
    CHECK(pieces.front().first + 100 < pieces.back().first); // "one" was delivered before "two" was sent
    const auto recorded = server.requests().at(0);
    CHECK(recorded.path == "/stream");
    CHECK(recorded.query == "q=1");
    CHECK(recorded.body == "{\"hello\":1}");
    CHECK(recorded.header("X-Test") == "yes");
    CHECK(recorded.header("Content-Length") == "11"); // framing headers are the client's own
}

TEST_CASE("outbound http: idle timeout, refused connection, bad input, cancellation")
{
    SUBCASE("no byte for idle_timeout -> timeout")
    {
        gaggle::testing::ScriptedProvider server(json::array({json{{"format", "raw"}, {"chunks", json::array({{{"raw", "x"}}, {{"stall_ms", 3000}}})}}}));
        server.start();
        OutboundRequest request;
        request.url = server.base_url() + "/";
        request.idle_timeout = std::chrono::milliseconds(200);
        const auto start = std::chrono::steady_clock::now();
        const OutboundResult result = perform(request, {});
        CHECK(result.status == OutboundStatus::timeout);
        CHECK(ms_since(start) < 1000);
    }
    SUBCASE("connection refused -> network")
    {
        OutboundRequest request;
        request.url = "http://127.0.0.1:1/";
        const OutboundResult result = perform(request, {});
        CHECK(result.status == OutboundStatus::network);
        CHECK(result.message.find("127.0.0.1:1") != std::string::npos);
    }
    SUBCASE("bad URL and header injection -> invalid argument")
    {
        OutboundRequest request;
        request.url = "not a url";
        CHECK(perform(request, {}).status == OutboundStatus::invalid_argument);
        request.url = "http://127.0.0.1:1/";
        request.headers = {{"X-Evil", "a\r\nInjected: 1"}};
        CHECK(perform(request, {}).status == OutboundStatus::invalid_argument);
    }
    SUBCASE("cancel from another thread closes the connection within ~100 ms")
    {
        gaggle::testing::ScriptedProvider server(json::array({json{{"format", "raw"}, {"chunks", json::array({{{"raw", "x"}}, {{"stall_ms", 5000}}})}}}));
        server.start();
        std::atomic<bool> cancelled{false};
        OutboundRequest request;
        request.url = server.base_url() + "/";
        OutboundHandlers handlers;
        handlers.cancelled = [&] { return cancelled.load(); };
        std::chrono::steady_clock::time_point raised;
        std::thread canceller([&] {
            server.wait_for_requests(1, std::chrono::milliseconds(2000));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            raised = std::chrono::steady_clock::now();
            cancelled = true;
        });
        const OutboundResult result = perform(request, handlers);
        canceller.join();
        CHECK(result.status == OutboundStatus::cancelled);
        CHECK(ms_since(raised) < 150);
        CHECK(server.wait_for_client_close(0, std::chrono::milliseconds(2000)));
    }
}

TEST_CASE("transfer watchdog: a transfer is watched whether the watchdog is ticking or asleep")
{
    // The watchdog is woken only from its sleep; while it ticks it finds a new transfer by itself.
    // Either way a cancelled transfer's socket is shut down (its peer reads end of stream).
    auto cancelled_transfer_is_stopped = [] {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        const auto watch = TransferWatchdog::instance().watch(fds[0], [] { return true; }, std::chrono::minutes(5));
        bool stopped = false;
        for (int i = 0; i < 500 && !stopped; ++i) { // up to 5 s: the tick is 20 ms
            stopped = watch->reason() == StopReason::cancelled;
            if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        char byte;
        const bool peer_sees_end = stopped && ::recv(fds[1], &byte, 1, 0) == 0;
        ::close(fds[0]);
        ::close(fds[1]);
        return stopped && peer_sees_end;
    };
    CHECK(cancelled_transfer_is_stopped()); // back to back: the watchdog is ticking
    CHECK(cancelled_transfer_is_stopped());
    std::this_thread::sleep_for(TransferWatchdog::linger + 3 * TransferWatchdog::tick); // now it sleeps
    CHECK(cancelled_transfer_is_stopped());
}

namespace {

// A raw HTTP/1.1 server on 127.0.0.1 playing one script per accepted connection: each entry answers
// one request with that body (keep-alive), "close-after:<body>" answers with Connection: close,
// "drop" reads the request and closes without answering, "answer-then-hang-up:<body>" answers and
// closes the idle connection at once.
class KeepAliveServer {
public:
    explicit KeepAliveServer(std::vector<std::vector<std::string>> scripts)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), scripts_(std::move(scripts))
    {
        thread_ = std::thread([this] { serve(); });
    }
    ~KeepAliveServer()
    {
        socket_.close();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/"; }
    int connections() const { return connections_.load(); }
    int requests() const { return requests_.load(); }

private:
    void serve()
    {
        for (const auto& script : scripts_) {
            Poco::Net::StreamSocket c;
            try {
                c = socket_.acceptConnection();
            } catch (const Poco::Exception&) {
                return;
            }
            ++connections_;
            for (const std::string& step : script) {
                if (!read_request(c)) break;
                ++requests_;
                if (step == "drop") break;
                const bool close = step.rfind("close-after:", 0) == 0;
                const bool hang_up = step.rfind("answer-then-hang-up:", 0) == 0;
                const std::string body = step.substr(step.find(':') + 1);
                const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                                             (close ? "Connection: close\r\n" : "") + "\r\n" + body;
                c.sendBytes(response.data(), static_cast<int>(response.size()));
                if (close || hang_up) break;
            }
            c.close();
        }
    }

    static bool read_request(Poco::Net::StreamSocket& c)
    {
        std::string head;
        char ch = 0;
        while (head.find("\r\n\r\n") == std::string::npos)
            if (c.receiveBytes(&ch, 1) != 1) return false;
            else head += ch;
        return true;
    }

    Poco::Net::ServerSocket socket_;
    std::vector<std::vector<std::string>> scripts_;
    std::atomic<int> connections_{0}, requests_{0};
    std::thread thread_;
};

std::string get_body(const std::string& url, OutboundResult& result)
{
    OutboundRequest request;
    request.url = url;
    std::string body;
    OutboundHandlers handlers;
    handlers.on_data = [&](std::string_view d) { body.append(d); return true; };
    result = perform(request, handlers);
    return body;
}

} // namespace

TEST_CASE("outbound http: connections are kept alive and reused; one the server closed costs a retry, never an error")
{
    ConnectionPool::instance().clear();
    KeepAliveServer server({{"r1", "r2", "drop"}, {"r3", "close-after:r4"}, {"answer-then-hang-up:r5"}, {"r6"}});
    std::vector<std::string> bodies;
    for (int i = 0; i < 6; ++i) {
        OutboundResult result;
        bodies.push_back(get_body(server.url(), result));
        CHECK_MESSAGE(result.status == OutboundStatus::ok, result.message);
        // Let the server's FIN of an idle connection arrive before the next request looks for one.
        if (i == 4) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(bodies == std::vector<std::string>{"r1", "r2", "r3", "r4", "r5", "r6"});
    // r1 and r2 shared a connection; r3 went out on it too, was dropped unanswered and sent again
    // on a new one; after Connection: close, and after the server hung up an idle connection, the
    // next request opened its own.
    CHECK(server.connections() == 4);
    CHECK(server.requests() == 7);
    CHECK(ConnectionPool::instance().idle_count() == 1); // r6's connection waits for the next request
    ConnectionPool::instance().clear();
}

TEST_CASE("outbound http: the response parser says when a connection can carry another request")
{
    auto reusable = [](const std::string& wire) {
        HttpResponseParser parser([](int, const HeaderList&) { return true; }, [](std::string_view) { return true; });
        return parser.feed(wire) == HttpResponseParser::Result::done && parser.reusable();
    };
    CHECK(reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    CHECK(reusable("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    CHECK(reusable("HTTP/1.1 204 No Content\r\n\r\n"));
    CHECK(reusable("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    CHECK_FALSE(reusable("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
    CHECK_FALSE(reusable("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    CHECK_FALSE(reusable("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok+extra"));
    HttpResponseParser until_close([](int, const HeaderList&) { return true; }, [](std::string_view) { return true; });
    CHECK(until_close.feed("HTTP/1.1 200 OK\r\n\r\nbody until the end") == HttpResponseParser::Result::more);
    CHECK(until_close.finish() == HttpResponseParser::Result::done);
    CHECK_FALSE(until_close.reusable());
}

TEST_CASE("outbound http: the C service table reports errors through gaggle_error")
{
    const gaggle_host_http_v1* http = gaggle::outbound_http_service();
    REQUIRE(http);
    CHECK(http->struct_size == sizeof(gaggle_host_http_v1));
    gaggle_http_request request{};
    request.struct_size = sizeof(request);
    request.method = "GET";
    request.url = "http://127.0.0.1:1/";
    gaggle_error err{};
    err.struct_size = sizeof(err);
    CHECK(http->perform(nullptr, &request, nullptr, nullptr, &err) == GAGGLE_ERR_NETWORK);
    CHECK(err.code == GAGGLE_ERR_NETWORK);
    CHECK(std::string(err.message).find("could not connect") != std::string::npos);
    CHECK(http->perform(nullptr, nullptr, nullptr, nullptr, &err) == GAGGLE_ERR_INVALID_ARGUMENT);
}
