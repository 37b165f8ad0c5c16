// Hostile request bodies through the real binary: nothing a client sends may kill the server.
#include "session_fixtures.hpp"

#include <doctest/doctest.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {

std::string nested_array(int depth)
{
    return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}

std::string start_session(const ServerProcess& s)
{
    auto r = json_request(s, "POST", "/agent/start", Json{{"working_dir", s.root().string()}}.dump());
    REQUIRE(r.status == 200);
    return Json::parse(r.body)["id"].get<std::string>();
}

void check_refused_as_too_deep(const HttpResult& r)
{
    CHECK(r.status == 400);
    REQUIRE(r.header("content-type").find("application/json") == 0);
    CHECK(Json::parse(r.body)["message"] == "request body nests deeper than 128 levels");
}

} // namespace

TEST_CASE("a body nested 100,000 levels deep is refused with 400 on every kind of JSON route")
{
    ServerProcess server;
    const std::string session = start_session(server);
    const std::string deep = nested_array(100000);

    // The field the turn copies, followed by more keys (the parser itself used to copy it then).
    check_refused_as_too_deep(json_request(server, "POST", "/sessions/" + session + "/reply",
                                           R"({"override_conversation":)" + deep +
                                               R"(,"request_id":"r1","user_message":{"role":"user","content":[]}})"));
    check_refused_as_too_deep(json_request(server, "POST", "/reply",
                                           R"({"session_id":")" + session + R"(","override_conversation":)" + deep +
                                               R"(,"user_message":{"role":"user","content":[]}})"));
    // A plain JSON route, and a deep value inside an object inside the body.
    check_refused_as_too_deep(json_request(server, "POST", "/agent/start", R"({"x":{"y":)" + deep + R"(},"working_dir":"/tmp"})"));
    // Unterminated: refused for its depth before the parser gets to notice it is truncated.
    check_refused_as_too_deep(json_request(server, "POST", "/agent/start", std::string(200000, '{')));
    // A session export whose `json` string holds a deep document.
    auto r = json_request(server, "POST", "/sessions/import", Json{{"json", R"({"conversation":)" + deep + "}"}}.dump());
    CHECK(r.status == 400);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("nests deeper than 128 levels") != std::string::npos);

    CHECK(server.alive());
    CHECK(server.get("/status").status == 200);
}

TEST_CASE("a body exactly at the nesting limit is still read as JSON")
{
    ServerProcess server;
    // 127 levels inside the body object: within the limit, so the route answers about the shape.
    auto r = json_request(server, "POST", "/agent/start", R"({"working_dir":)" + nested_array(127) + "}");
    CHECK(r.status == 422);
    CHECK(Json::parse(r.body)["message"] == "field `working_dir` must be a string");
    CHECK(server.alive());
}
