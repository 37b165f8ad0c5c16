#include "http/router.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace gaggle;

namespace {
Handler noop() { return [](Request&, Response&) {}; }
}

TEST_CASE("router matches literal and templated paths")
{
    Router r;
    r.add("GET", "/sessions", noop());
    r.add("GET", "/sessions/{session_id}", noop());
    r.add("POST", "/sessions/{session_id}/fork", noop());
    r.add("GET", "/sessions/search", noop());

    auto m = r.match("GET", "/sessions/20260101_1");
    REQUIRE(m.kind == RouteMatch::Kind::found);
    CHECK(m.route->path == "/sessions/{session_id}");
    CHECK(m.params.at("session_id") == "20260101_1");

    SUBCASE("a literal segment beats a parameter")
    {
        auto s = r.match("GET", "/sessions/search");
        REQUIRE(s.kind == RouteMatch::Kind::found);
        CHECK(s.route->path == "/sessions/search");
        CHECK(s.params.empty());
    }
    SUBCASE("trailing and doubled slashes are tolerated")
    {
        CHECK(r.match("GET", "/sessions/").kind == RouteMatch::Kind::found);
        CHECK(r.match("POST", "//sessions/x//fork").kind == RouteMatch::Kind::found);
    }
    SUBCASE("unknown paths are not found")
    {
        CHECK(r.match("GET", "/nope").kind == RouteMatch::Kind::not_found);
        CHECK(r.match("GET", "/sessions/a/b/c").kind == RouteMatch::Kind::not_found);
        CHECK(r.match("GET", "/").kind == RouteMatch::Kind::not_found);
    }
    SUBCASE("a known path with the wrong method lists the allowed ones")
    {
        auto w = r.match("DELETE", "/sessions/x/fork");
        CHECK(w.kind == RouteMatch::Kind::method_not_allowed);
        REQUIRE(w.allowed.size() == 1);
        CHECK(w.allowed[0] == "POST");
        auto both = r.match("PUT", "/sessions/search");
        CHECK(both.kind == RouteMatch::Kind::method_not_allowed);
        CHECK(both.allowed.size() == 1); // GET from both templates, listed once
    }
}

TEST_CASE("router refuses malformed and duplicate routes")
{
    Router r;
    r.add("GET", "/a/{id}", noop());
    CHECK_THROWS_AS(r.add("GET", "/a/{other}", noop()), Error);
    CHECK_THROWS_AS(r.add("GET", "no-slash", noop()), Error);
    CHECK_THROWS_AS(r.add("GET", "/a/{broken", noop()), Error);
    CHECK_THROWS_AS(r.add("BREW", "/coffee", noop()), Error);
    CHECK_NOTHROW(r.add("POST", "/a/{id}", noop()));
}

TEST_CASE("split_path drops empty segments")
{
    CHECK(split_path("") == std::vector<std::string>{});
    CHECK(split_path("/") == std::vector<std::string>{});
    CHECK(split_path("/a//b/") == std::vector<std::string>{"a", "b"});
}
