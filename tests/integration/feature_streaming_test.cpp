// A feature plugin streams its response (ABI 1.1, Response::sse in the C++ wrapper): the SDK's
// hello example's countdown route, through the real server, event by event.
#include <doctest/doctest.h>

#include "server_process.hpp"
#include "sse_client.hpp"

using namespace gaggle::test;

TEST_CASE("a feature's SSE route streams its events through the server")
{
    ServerProcess::Options o;
    o.env = {{"GAGGLE_PLUGIN_PATH", GAGGLE_TEST_FEATURE_DIR}};
    ServerProcess server(o);
    SseClient c(server.port(), "GET", "/hello/ann/countdown", "", {{"X-Secret-Key", server.secret()}});
    REQUIRE(c.status() == 200);
    std::vector<std::string> seen;
    for (const auto& e : c.rest()) seen.push_back(e.event + " " + e.data);
    CHECK(seen == std::vector<std::string>{"tick {\"n\":3}", "tick {\"n\":2}", "tick {\"n\":1}", "done {\"liftoff\":\"ann\"}"});
}
