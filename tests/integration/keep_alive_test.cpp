// Answers given before a handler reads the body must not leave that body on a kept-alive
// connection, where it would be parsed as the next request (the issue-13 desync).
#include "raw_http.hpp"

#include "common/json.hpp"

#include <Poco/String.h>

#include <doctest/doctest.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {

const std::string json_type = "Content-Type: application/json\r\n";

// The Connection header's value, lower-case (Poco sends "Close").
std::string connection_header(const HttpResult& r) { return Poco::toLower(r.header("connection")); }

std::string auth(const ServerProcess& s) { return "X-Secret-Key: " + s.secret() + "\r\n"; }

// The request after the refused one: an authenticated route whose answer we know.
std::string follow_up(const ServerProcess& s) { return raw_request("GET", "/sessions", auth(s), ""); }

struct EarlyCase {
    std::string name;
    std::string request;
    int status;
};

} // namespace

TEST_CASE("every early answer leaves a kept-alive connection ready for the next request")
{
    ServerProcess::Options options;
    options.env["GAGGLE_CORS_ORIGINS"] = "http://allowed.example";
    ServerProcess server(options);
    const std::string body = R"({"key":"x","is_secret":false})";
    const std::vector<EarlyCase> cases{
        {"401 without the secret", raw_request("POST", "/config/read", json_type, body), 401},
        {"404 unknown route", raw_request("POST", "/config/no-such-route", auth(server) + json_type, body), 404},
        {"405 wrong method", raw_request("PUT", "/sessions", auth(server) + json_type, body), 405},
        {"415 wrong content type", raw_request("POST", "/agent/start", auth(server) + "Content-Type: text/plain\r\n", "hello"), 415},
        {"400 malformed URI", raw_request("POST", "/sessions/%zz%", auth(server) + json_type, body), 400},
        {"CORS pre-flight with a body",
         raw_request("OPTIONS", "/sessions", "Origin: http://allowed.example\r\nAccess-Control-Request-Method: POST\r\n", body), 204},
        {"GET with a body", raw_request("GET", "/sessions", auth(server), body), 200},
        {"422 from a handler", raw_request("POST", "/agent/start", auth(server) + json_type, "{}"), 422},
    };
    RawConnection connection(server.port());
    for (const auto& c : cases) {
        CAPTURE(c.name);
        REQUIRE(connection.send(c.request + follow_up(server)));
        auto first = connection.read_response();
        REQUIRE(first);
        CHECK(first->status == c.status);
        if (c.status >= 400) CHECK(Json::parse(first->body).contains("message"));
        CHECK(connection_header(*first) != "close");
        auto second = connection.read_response();
        REQUIRE(second);
        CHECK(second->status == 200);
        CHECK(Json::parse(second->body).contains("sessions"));
    }
    CHECK(server.alive());
}

// Sends `bytes` (a refused request followed by a valid one) on a fresh connection: the refusal must
// say Connection: close and the connection must end without answering the request behind it.
static HttpResult closes_after(const ServerProcess& server, const std::string& bytes)
{
    RawConnection connection(server.port());
    REQUIRE(connection.send(bytes + "GET /sessions HTTP/1.1\r\nHost: x\r\nX-Secret-Key: " + server.secret() + "\r\n\r\n"));
    auto r = connection.read_response();
    REQUIRE(r);
    CHECK(connection_header(*r) == "close");
    CHECK(connection.closed_by_server());
    CHECK(Json::parse(r->body)["message"].is_string());
    return *r;
}

TEST_CASE("an early answer to a body it cannot safely drop closes the connection instead")
{
    ServerProcess server;
    const std::string head = "POST /no-such-route HTTP/1.1\r\nHost: x\r\nX-Secret-Key: " + server.secret() + "\r\n";
    // 404 for a 5 MB body: not worth reading.
    CHECK(closes_after(server, head + "Content-Length: 5000000\r\n\r\n").status == 404);
    // A chunked body: Poco's chunk reader can take a malformed size for the end of the body, so a
    // chunked request never shares its connection.
    CHECK(closes_after(server, head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n").status == 404);
    // A negative Content-Length: nothing says where the body ends.
    auto negative = closes_after(server, "POST /agent/start HTTP/1.1\r\nHost: x\r\nX-Secret-Key: " + server.secret() +
                                             "\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n");
    CHECK(negative.status == 400);
    CHECK(Json::parse(negative.body)["message"] == "Content-Length must be a non-negative number");
    // A header Poco cannot read: still a JSON answer.
    auto malformed = closes_after(server, "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n");
    CHECK(malformed.status == 400);
    CHECK(Json::parse(malformed.body)["message"].get<std::string>().find("malformed HTTP request") == 0);
    // 413 from the declared length, before reading: the connection closes after the answer.
    {
        RawConnection connection(server.port());
        const std::string big(3 * 1024 * 1024, 'x');
        REQUIRE(connection.send(raw_request("POST", "/sessions", "X-Secret-Key: " + server.secret() + "\r\n" + json_type, big)));
        auto r = connection.read_response();
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(connection_header(*r) == "close");
    }
    CHECK(server.alive());
    CHECK(server.get("/status").status == 200);
}
