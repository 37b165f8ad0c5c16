// The desktop's sandbox shells, /mcp-ui-proxy and /mcp-app-proxy: served by the real binary with the
// secret in the query, and their scripts run (tests/peers/sandbox_shell.mjs) as the desktop and a
// guest would drive them.
#include <doctest/doctest.h>

#include "acp_client_run.hpp"
#include "server_process.hpp"

#include <fstream>

using namespace gaggle::test;
using gaggle::Json;

namespace {

// Runs one scenario of sandbox_shell.mjs on `page` and returns what the shell did.
Json run_shell(const ServerProcess& server, const std::string& page, const std::string& query, const std::string& scenario)
{
    const std::string file = (server.root() / ("shell-" + scenario + ".html")).string();
    std::ofstream(file) << page;
    const std::string command = "node " + shell_quoted(GAGGLE_TEST_PEERS_DIR "/sandbox_shell.mjs") + " " + shell_quoted(file) + " " +
                                shell_quoted(query) + " " + scenario + " 2>&1";
    int exit_code = -1;
    const std::string out = command_output(command, exit_code);
    INFO("shell run: " << out);
    REQUIRE(exit_code == 0);
    Json result = Json::parse(out, nullptr, false);
    REQUIRE(result.is_object());
    return result;
}

} // namespace

TEST_CASE("sandbox shells: the secret comes in the query, not the header")
{
    ServerProcess server;
    const std::string secret = server.secret();
    for (const std::string path : {"/mcp-ui-proxy", "/mcp-app-proxy"}) {
        INFO(path);
        auto missing = server.request("GET", path, "", {}, false);
        CHECK(missing.status == 400);
        CHECK(Json::parse(missing.body)["message"].get<std::string>().find("secret") != std::string::npos);
        CHECK(server.request("GET", path + "?secret=wrong", "", {}, false).status == 401);
        // The header alone is not enough: an iframe cannot send it, and the page must not open
        // for a request that did not name the secret in its address.
        CHECK(server.request("GET", path, "", {}).status == 400);
        auto ok = server.request("GET", path + "?secret=" + secret + "&contentType=rawhtml&csp=%7B%7D", "", {}, false);
        CHECK(ok.status == 200);
        CHECK(ok.header("content-type").rfind("text/html", 0) == 0);
        CHECK(ok.body.rfind("<!DOCTYPE html>", 0) == 0);
    }
    auto app = server.request("GET", "/mcp-app-proxy?secret=" + secret, "", {}, false);
    CHECK(app.header("referrer-policy") == "no-referrer");
}

TEST_CASE("the MCP-UI shell: announces itself, shows the desktop's HTML, relays both ways, forgets the secret")
{
    ServerProcess server;
    const std::string query = "secret=" + server.secret() + "&contentType=rawhtml&waitForRenderData=true";
    const std::string page = server.request("GET", "/mcp-ui-proxy?" + query, "", {}, false).body;

    const Json html = run_shell(server, page, query, "ui-html");
    CHECK(html["replacedUrl"] == "/shell?contentType=rawhtml&waitForRenderData=true");
    REQUIRE(html["frames"].size() == 1);
    const Json& inner = html["frames"][0];
    CHECK(inner["srcdoc"] == "<p>hi</p>");
    CHECK(inner["attributes"]["sandbox"] == "allow-scripts allow-forms");
    REQUIRE(inner["received"].size() == 1);
    CHECK(inner["received"][0]["data"]["type"] == "ui-lifecycle-iframe-render-data");
    const Json& to_parent = html["parentMessages"];
    REQUIRE(to_parent.size() == 2); // ready, then the guest's size change (never the stranger's)
    CHECK(to_parent[0]["data"] == Json{{"type", "ui-proxy-iframe-ready"}});
    CHECK(to_parent[1]["data"]["payload"]["height"] == 321);

    const std::string url_query = "secret=" + server.secret() + "&url=https%3A%2F%2Fexample.org%2Fwidget";
    const Json url = run_shell(server, page, url_query, "ui-url");
    REQUIRE(url["frames"].size() == 1);
    CHECK(url["frames"][0]["src"] == "https://example.org/widget");
    CHECK(url["frames"][0]["received"][0]["targetOrigin"] == "https://example.org");
    CHECK(url["parentMessages"].size() == 1);
    CHECK(url["readyMessages"].empty());

    const Json refused = run_shell(server, page, "secret=x&url=javascript%3Aalert(1)", "ui-url");
    CHECK(refused["shown"] == 0);
    CHECK(refused["bodyText"].get<std::string>().find("http") != std::string::npos);
}

TEST_CASE("the MCP App shell: its policy names the app's domains; it shows the resource and relays JSON-RPC")
{
    ServerProcess server;
    const std::string query = "secret=" + server.secret() +
                              "&connect_domains=https%3A%2F%2Fapi.example.com%2C%20bad%3B%20script-src%20*" +
                              "&resource_domains=cdn.example.com&frame_domains=";
    const auto r = server.request("GET", "/mcp-app-proxy?" + query, "", {}, false);
    REQUIRE(r.status == 200);
    CHECK(r.body.find("connect-src 'self' https://api.example.com;") != std::string::npos);
    CHECK(r.body.find("script-src 'self' 'unsafe-inline' cdn.example.com;") != std::string::npos);
    CHECK(r.body.find("frame-src 'none'") != std::string::npos);
    CHECK(r.body.find("bad") == std::string::npos);

    const Json app = run_shell(server, r.body, query, "app");
    CHECK(app["replacedUrl"].get<std::string>().find("secret") == std::string::npos);
    const Json& ready = app["readyMessages"];
    REQUIRE(ready.size() == 2);
    CHECK(ready[0]["method"] == "ui/notifications/sandbox-proxy-ready");
    CHECK(ready[1]["method"] == "ui/notifications/sandbox-ready");
    REQUIRE(app["frames"].size() == 2); // the second resource replaced the first guest
    CHECK(app["frames"][0]["removed"] == true);
    const Json& guest = app["frames"][1];
    CHECK(guest["srcdoc"] == "<b>app</b>");
    CHECK(guest["attributes"]["sandbox"] == "allow-scripts allow-same-origin allow-forms");
    CHECK(guest["attributes"]["allow"] == "camera; clipboard-write");
    REQUIRE(guest["received"].size() == 1);
    CHECK(guest["received"][0]["data"]["method"] == "ui/notifications/tool-result");
    CHECK(app["frames"][0]["received"].empty());
    const Json& to_parent = app["parentMessages"];
    REQUIRE(to_parent.size() == 3); // two ready notifications and the current guest's size change
    CHECK(to_parent[2]["data"]["method"] == "ui/notifications/size-changed");
}
