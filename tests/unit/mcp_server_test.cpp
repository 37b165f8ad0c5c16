// The MCP server library (extensions/common): framing, JSON-RPC errors, version negotiation,
// argument checks, cancellation, progress, logging and roots, driven over pipes.
#include "common/json_limits.hpp"
#include "common/schema_check.hpp"
#include "extension_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>

using namespace gaggle;
using gaggle::test::ext::PipedServer;
using nlohmann::json;

namespace {

struct TestTools {
    std::atomic<bool> wait_saw_cancel{false};
    mcp_server::Server server{mcp_server::ServerInfo{"unit", "1.0", "", [] { return std::string("be kind"); }}};

    TestTools()
    {
        server.add_tool({"echo", "", "echoes",
                         {{"type", "object"},
                          {"properties", {{"text", {{"type", "string"}}}, {"times", {{"type", "integer"}, {"minimum", 1}}}}},
                          {"required", {"text"}},
                          {"additionalProperties", false}},
                         {{"readOnlyHint", true}},
                         [](mcp_server::CallContext& ctx) {
                             std::string out;
                             for (int i = 0; i < ctx.arguments().value("times", 1); ++i) out += ctx.arguments()["text"].get<std::string>();
                             return mcp_server::ToolResult::text(out);
                         }});
        server.add_tool({"wait", "", "runs until cancelled, reporting progress", {{"type", "object"}}, {},
                         [this](mcp_server::CallContext& ctx) {
                             for (int i = 1; !ctx.cancelled(); ++i) {
                                 ctx.progress(i, std::nullopt, "tick");
                                 ctx.log(mcp_server::LogLevel::info, "wait", "tick " + std::to_string(i));
                                 std::this_thread::sleep_for(std::chrono::milliseconds(20));
                             }
                             wait_saw_cancel = true;
                             return mcp_server::ToolResult::text("stopped");
                         }});
        server.add_tool({"where", "", "the working dir", {{"type", "object"}}, {},
                         [](mcp_server::CallContext& ctx) { return mcp_server::ToolResult::text(ctx.working_dir().string()); }});
        server.add_tool({"boom", "", "throws", {{"type", "object"}}, {},
                         [](mcp_server::CallContext&) -> mcp_server::ToolResult { throw std::runtime_error("kaboom"); }});
    }
};

int error_code(const std::optional<json>& frame) { return frame && frame->contains("error") ? (*frame)["error"]["code"].get<int>() : 0; }

} // namespace

TEST_CASE("mcp server: initialize echoes a supported version and offers the newest otherwise")
{
    for (const auto& [asked, expected] : std::vector<std::pair<std::string, std::string>>{
             {"2025-11-25", "2025-11-25"}, {"2025-06-18", "2025-06-18"}, {"2025-03-26", "2025-03-26"},
             {"2024-11-05", "2024-11-05"}, {"1999-01-01", "2025-11-25"}}) {
        TestTools t;
        PipedServer p(t.server);
        auto r = p.initialize(asked);
        REQUIRE(r.contains("result"));
        CHECK(r["result"]["protocolVersion"] == expected);
        CHECK(r["result"]["capabilities"].contains("tools"));
        CHECK(r["result"]["capabilities"].contains("logging"));
        CHECK(r["result"]["serverInfo"]["name"] == "unit");
        CHECK(r["result"]["instructions"] == "be kind");
    }
}

TEST_CASE("mcp server: bad frames get the JSON-RPC error they deserve and the server keeps serving")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize();
    auto& c = p.client;

    c.send_raw("{not json");
    auto r = c.next();
    CHECK(error_code(r) == mcp_server::parse_error);
    CHECK((*r)["id"].is_null());

    c.send_raw(std::string(500, '[') + std::string(500, ']'));
    r = c.next();
    CHECK(error_code(r) == mcp_server::parse_error);
    CHECK((*r)["error"]["message"].get<std::string>().find("nested") != std::string::npos);

    c.send_raw(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    CHECK(error_code(c.next()) == mcp_server::invalid_request);
    c.send_raw(R"("just a string")");
    CHECK(error_code(c.next()) == mcp_server::invalid_request);
    c.send_raw(R"({"jsonrpc":"1.0","id":7,"method":"ping"})");
    r = c.next();
    CHECK(error_code(r) == mcp_server::invalid_request);
    CHECK((*r)["id"] == 7);
    c.send_raw(R"({"jsonrpc":"2.0","id":{"x":1},"method":"ping"})");
    CHECK(error_code(c.next()) == mcp_server::invalid_request);
    c.send_raw(R"({"jsonrpc":"2.0","id":8,"method":42})");
    CHECK(error_code(c.next()) == mcp_server::invalid_request);

    c.request(9, "resources/list");
    CHECK(error_code(c.response(9)) == mcp_server::method_not_found);
    c.send_raw(R"({"jsonrpc":"2.0","id":10,"method":"tools/call","params":[1,2]})");
    CHECK(error_code(c.response(10)) == mcp_server::invalid_params);
    c.request(11, "tools/call", {{"arguments", json::object()}});
    CHECK(error_code(c.response(11)) == mcp_server::invalid_params);
    c.request(12, "tools/call", {{"name", "no_such_tool"}});
    CHECK(error_code(c.response(12)) == mcp_server::invalid_params);
    c.request(13, "logging/setLevel", {{"level", "loud"}});
    CHECK(error_code(c.response(13)) == mcp_server::invalid_params);

    // An unknown notification is ignored (no answer), and the connection is still good.
    c.notify("notifications/something_new");
    c.request("str-id", "ping");
    auto pong = c.response("str-id");
    REQUIRE(pong);
    CHECK((*pong)["result"] == json::object());
    CHECK(c.seen.empty());
}

TEST_CASE("mcp server: tools/list carries schemas and annotations; invalid arguments are isError results naming the field")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize();
    p.client.request(1, "tools/list");
    auto list = p.client.response(1);
    REQUIRE(list);
    auto tools = (*list)["result"]["tools"];
    REQUIRE(tools.size() == 4);
    CHECK(tools[0]["name"] == "echo");
    CHECK(tools[0]["inputSchema"]["required"][0] == "text");
    CHECK(tools[0]["annotations"]["readOnlyHint"] == true);

    CHECK(gaggle::test::ext::text_of(p.call(2, "echo", {{"text", "ab"}, {"times", 2}})) == "abab");
    auto missing = p.call(3, "echo", json::object());
    CHECK(missing["isError"] == true);
    CHECK(gaggle::test::ext::text_of(missing).find("'text'") != std::string::npos);
    auto wrong = p.call(4, "echo", {{"text", 5}});
    CHECK(wrong["isError"] == true);
    CHECK(gaggle::test::ext::text_of(wrong).find("must be a string") != std::string::npos);
    auto extra = p.call(5, "echo", {{"text", "x"}, {"colour", "red"}});
    CHECK(gaggle::test::ext::text_of(extra).find("unknown argument 'colour'") != std::string::npos);
    auto small = p.call(6, "echo", {{"text", "x"}, {"times", 0}});
    CHECK(gaggle::test::ext::text_of(small).find("at least 1") != std::string::npos);
    auto notobj = p.call(7, "echo", json::array({1}));
    CHECK(notobj["isError"] == true);
    auto thrown = p.call(8, "boom", json::object());
    CHECK(thrown["isError"] == true);
    CHECK(gaggle::test::ext::text_of(thrown).find("kaboom") != std::string::npos);
}

TEST_CASE("mcp server: a cancelled call stops, sends no answer, and the server keeps serving")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize();
    p.client.send({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/call"},
                   {"params", {{"name", "wait"}, {"arguments", json::object()}, {"_meta", {{"progressToken", "tok"}}}}}});
    // Progress and log notifications flow while it runs.
    bool progress = false, log = false;
    while (!(progress && log)) {
        auto f = p.client.next();
        REQUIRE(f);
        if ((*f)["method"] == "notifications/progress") {
            CHECK((*f)["params"]["progressToken"] == "tok");
            progress = true;
        }
        if ((*f)["method"] == "notifications/message") log = (*f)["params"]["logger"] == "wait";
    }
    p.client.notify("notifications/cancelled", {{"requestId", 5}, {"reason", "user stop"}});
    while (!t.wait_saw_cancel) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    t.server.wait_idle(std::chrono::seconds(10));
    p.client.request(6, "ping");
    REQUIRE(p.client.response(6));
    for (const auto& f : p.client.seen) CHECK_FALSE((f.contains("id") && f["id"] == 5 && !f.contains("method")));
}

TEST_CASE("mcp server: logging/setLevel filters log notifications")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize();
    p.client.request(1, "logging/setLevel", {{"level", "error"}});
    REQUIRE(p.client.response(1));
    p.client.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"}, {"params", {{"name", "wait"}, {"_meta", {{"progressToken", 1}}}}}});
    // Wait for two progress ticks: the info-level logs between them must have been dropped.
    int ticks = 0;
    while (ticks < 2) {
        auto f = p.client.next();
        REQUIRE(f);
        CHECK((*f)["method"] != "notifications/message");
        if ((*f)["method"] == "notifications/progress") ++ticks;
    }
    p.client.notify("notifications/cancelled", {{"requestId", 2}});
}

TEST_CASE("mcp server: roots are asked of a client that declares them and become the working dir")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize("2025-11-25", {{"roots", {{"listChanged", true}}}});
    auto ask = p.client.next();
    REQUIRE(ask);
    REQUIRE((*ask)["method"] == "roots/list");
    p.client.send({{"jsonrpc", "2.0"}, {"id", (*ask)["id"]}, {"result", {{"roots", {{{"uri", "file:///tmp/a%20b/"}, {"name", "ab"}}}}}}});
    CHECK(gaggle::test::ext::text_of(p.call(1, "where", json::object())) == "/tmp/a b/");

    // A changed list is asked for again.
    p.client.notify("notifications/roots/list_changed");
    ask = p.client.next();
    REQUIRE(ask);
    REQUIRE((*ask)["method"] == "roots/list");
    p.client.send({{"jsonrpc", "2.0"}, {"id", (*ask)["id"]}, {"result", {{"roots", {{{"uri", "file:///srv/project"}}}}}}});
    CHECK(gaggle::test::ext::text_of(p.call(2, "where", json::object())) == "/srv/project");
}

TEST_CASE("mcp server: without roots the working dir is the process's")
{
    TestTools t;
    PipedServer p(t.server);
    p.initialize();
    CHECK(gaggle::test::ext::text_of(p.call(1, "where", json::object())) == std::filesystem::current_path().string());
}

TEST_CASE("mcp helpers: nesting depth, file URIs, schema checks")
{
    CHECK(mcp_server::json_nesting_depth(R"({"a":[1,{"b":"[[[["}]})") == 3);
    CHECK(mcp_server::json_nesting_depth(std::string(100000, '['), 64) == 65);
    CHECK(mcp_server::json_nesting_depth(R"("\"[")") == 0);
    CHECK(*mcp_server::path_from_file_uri("file:///home/u/my%20dir") == "/home/u/my dir");
    CHECK(*mcp_server::path_from_file_uri("file://localhost/etc") == "/etc");
    CHECK_FALSE(mcp_server::path_from_file_uri("https://example.com/x"));
    CHECK_FALSE(mcp_server::path_from_file_uri("file://otherhost/x"));
    const json schema = {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}, {"mode", {{"enum", {"a", "b"}}}}, {"xs", {{"type", "array"}, {"items", {{"type", "integer"}}}}}}}};
    CHECK_FALSE(mcp_server::check_arguments(schema, {{"n", 3}}));
    CHECK(mcp_server::check_arguments(schema, {{"n", 3.5}})->find("'n'") != std::string::npos);
    CHECK(mcp_server::check_arguments(schema, {{"mode", "c"}})->find("'mode'") != std::string::npos);
    CHECK(mcp_server::check_arguments(schema, {{"xs", {1, "2"}}})->find("xs[1]") != std::string::npos);
}
