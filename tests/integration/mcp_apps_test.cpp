// MCP Apps: /agent/list_apps finds the ui:// resources of a session's real MCP server (built on
// the official SDK, tests/peers/app_server.mjs) and caches them; /agent/export_app and
// /agent/import_app move apps as single HTML files, in upstream's format.
#include "agent_harness.hpp"

#include <doctest/doctest.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {

Json app_server_config()
{
    std::string script = GAGGLE_TEST_PEERS_DIR;
    script += "/app_server.mjs";
    return Json{{"type", "stdio"}, {"name", "appserver"}, {"description", "offers an MCP App"}, {"cmd", "node"},
                {"args", Json::array({script})}, {"timeout", 60}};
}

Json apps_of(ServerProcess& s, const std::string& query = "")
{
    auto r = s.get("/agent/list_apps" + query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body)["apps"];
}

Json named(const Json& apps, const std::string& name)
{
    for (const auto& a : apps)
        if (a["name"] == name) return a;
    return nullptr;
}

std::string message_of(const HttpResult& r)
{
    const Json j = Json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("message") ? j["message"].get<std::string>() : "";
}

} // namespace

TEST_CASE("MCP Apps: a session's ui:// resources are listed, cached, exported and imported as HTML")
{
    AgentHarness h(Json::array());
    auto& s = h.server();
    CHECK(apps_of(s).empty());

    auto started = h.post("/agent/start", Json{{"working_dir", s.root().string()}, {"extension_overrides", Json::array({app_server_config()})}});
    REQUIRE(started.status == 200);
    const std::string id = Json::parse(started.body)["id"];
    const Json apps = apps_of(s, "?session_id=" + id);
    REQUIRE(apps.size() == 1); // the file:// resource is not an app
    const Json counter = apps[0];
    CHECK(counter["uri"] == "ui://counter/app.html");
    CHECK(counter["name"] == "Counter");
    CHECK(counter["description"] == "counts clicks");
    CHECK(counter["mimeType"] == "text/html;profile=mcp-app");
    CHECK(counter["text"] == "<html><head><title>Counter</title></head><body>0</body></html>");
    CHECK(counter["mcpServers"] == Json::array({"appserver"}));
    CHECK(counter["width"] == 400);
    CHECK(counter["height"] == 300);
    CHECK(counter["resizable"] == false);
    // Cached: listed without a session too.
    CHECK(named(apps_of(s), "Counter") == counter);

    // Exported as one HTML file with its metadata in <head>.
    auto exported = s.get("/agent/export_app/Counter");
    REQUIRE(exported.status == 200);
    CHECK(exported.body.find("<script type=\"application/ld+json\">") < exported.body.find("</head>"));
    CHECK(exported.body.find("\"@type\": \"GooseApp\"") != std::string::npos);
    CHECK(exported.body.find("<body>0</body>") != std::string::npos);

    // Imported from HTML: the metadata and product description come out of the page.
    const std::string clock_html =
        "<html><head><title>Clock</title><script type=\"application/ld+json\">{\"@context\":\"urn:goose.ai:schema\","
        "\"@type\":\"GooseApp\",\"name\":\"Clock\",\"description\":\"tells time\",\"width\":300,\"height\":200,"
        "\"resizable\":true}</script><script type=\"application/x-goose-prd\">Shows the time.</script></head>"
        "<body>12:00</body></html>";
    auto imported = h.post("/agent/import_app", Json{{"html", clock_html}});
    REQUIRE_MESSAGE(imported.status == 201, imported.body);
    CHECK(Json::parse(imported.body)["name"] == "Clock");
    const Json clock = named(apps_of(s), "Clock");
    REQUIRE(clock.is_object());
    CHECK(clock["uri"] == "ui://apps/Clock");
    CHECK(clock["mcpServers"] == Json::array({"apps"}));
    CHECK(clock["prd"] == "Shows the time.");
    CHECK(clock["width"] == 300);
    CHECK(clock["text"] == "<html><head><title>Clock</title></head><body>12:00</body></html>");
    // An export imports back to the same app.
    auto again = s.get("/agent/export_app/Clock");
    REQUIRE(again.status == 200);
    REQUIRE(h.post("/agent/import_app", Json{{"html", again.body}}).status == 201);
    const Json round_trip = named(apps_of(s), "Clock");
    for (const char* key : {"uri", "name", "description", "text", "prd", "width", "height", "resizable", "mcpServers"})
        CHECK_MESSAGE(round_trip[key] == clock[key], std::string(key));
    CHECK(apps_of(s).size() == 2);
}

TEST_CASE("MCP Apps: bad imports and unknown names are clear 4xx answers")
{
    AgentHarness h(Json::array());
    auto& s = h.server();
    auto no_meta = h.post("/agent/import_app", Json{{"html", "<html><body>hi</body></html>"}});
    CHECK(no_meta.status == 400);
    CHECK(message_of(no_meta) == "No GooseApp JSON-LD metadata found in HTML");
    auto broken = h.post("/agent/import_app", Json{{"html", "<script type=\"application/ld+json\">{</script>"}});
    CHECK(broken.status == 400);
    CHECK(message_of(broken).find("The GooseApp metadata is not valid JSON") == 0);
    auto nameless = h.post("/agent/import_app", Json{{"html", "<script type=\"application/ld+json\">{\"@type\":\"GooseApp\"}</script>"}});
    CHECK(nameless.status == 400);
    CHECK(message_of(nameless) == "Missing 'name' in metadata");
    auto slashed = h.post("/agent/import_app", Json{{"html", "<script type=\"application/ld+json\">{\"name\":\"../x\"}</script>"}});
    CHECK(slashed.status == 400);
    CHECK(h.post("/agent/import_app", Json{{"html", 5}}).status / 100 == 4);
    CHECK(h.post("/agent/import_app", Json::object()).status / 100 == 4);
    auto missing = s.get("/agent/export_app/Nope");
    CHECK(missing.status == 404);
    CHECK(message_of(missing) == "App 'Nope' not found");
    CHECK(s.get("/agent/list_apps?session_id=20990101_1").status == 404);
    CHECK(apps_of(s).empty()); // nothing half-written
}
