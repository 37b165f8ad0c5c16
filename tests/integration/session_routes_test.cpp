// Every session route through the real binary: shapes, 404s, user isolation and bad input.
#include "session_fixtures.hpp"

#include <doctest/doctest.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {

std::string start_session(const ServerProcess& s, const std::string& working_dir)
{
    auto r = json_request(s, "POST", "/agent/start", Json{{"working_dir", working_dir}}.dump());
    REQUIRE(r.status == 200);
    return Json::parse(r.body)["id"].get<std::string>();
}

std::string import_session(const ServerProcess& s, const std::vector<std::string>& messages, const std::string& name = "Imported")
{
    auto r = json_request(s, "POST", "/sessions/import", import_body(export_document(messages, name)));
    REQUIRE(r.status == 200);
    return Json::parse(r.body)["id"].get<std::string>();
}

} // namespace

TEST_CASE("POST /agent/start creates a New Chat session in an existing working dir")
{
    ServerProcess server;
    auto r = json_request(server, "POST", "/agent/start", Json{{"working_dir", server.root().string()}}.dump());
    REQUIRE(r.status == 200);
    auto s = Json::parse(r.body);
    CHECK(s["name"] == "New Chat");
    CHECK(s["user_set_name"] == false);
    CHECK(s["working_dir"] == server.root().string());
    CHECK(s["session_type"] == "user");
    CHECK(s["message_count"] == 0);
    CHECK(s["conversation"].is_null());
    const std::string id = s["id"];
    CHECK(id.size() >= 10);
    CHECK(id[8] == '_');
    CHECK(id.substr(9) == "1");

    // A second one gets the next counter of the day.
    CHECK(start_session(server, server.root().string()).substr(9) == "2");

    SUBCASE("with a recipe, its extensions win; with overrides, those")
    {
        Json recipe{{"title", "R"}, {"description", "d"}, {"instructions", "do {{ what }}"},
                    {"extensions", Json::array({Json{{"type", "builtin"}, {"name", "developer"}, {"description", ""}}})}};
        auto withr = json_request(server, "POST", "/agent/start",
                                  Json{{"working_dir", server.root().string()}, {"recipe", recipe}}.dump());
        REQUIRE(withr.status == 200);
        auto sr = Json::parse(withr.body);
        CHECK(sr["recipe"]["title"] == "R");
        auto ext = server.get("/sessions/" + sr["id"].get<std::string>() + "/extensions");
        CHECK(Json::parse(ext.body)["extensions"][0]["name"] == "developer");

        Json overrides = Json::array({Json{{"type", "stdio"}, {"name", "mine"}, {"description", ""}, {"cmd", "x"}, {"args", Json::array()}}});
        auto witho = json_request(server, "POST", "/agent/start",
                                  Json{{"working_dir", server.root().string()}, {"extension_overrides", overrides}}.dump());
        auto ext2 = server.get("/sessions/" + Json::parse(witho.body)["id"].get<std::string>() + "/extensions");
        CHECK(Json::parse(ext2.body)["extensions"][0]["name"] == "mine");
    }
    SUBCASE("a recipe deeplink is decoded")
    {
        // base64url of {"title":"Deep","description":"d","prompt":"hi"}
        const std::string link = "goose://recipe?config=eyJ0aXRsZSI6IkRlZXAiLCJkZXNjcmlwdGlvbiI6ImQiLCJwcm9tcHQiOiJoaSJ9";
        auto r2 = json_request(server, "POST", "/agent/start",
                               Json{{"working_dir", server.root().string()}, {"recipe_deeplink", link}}.dump());
        REQUIRE(r2.status == 200);
        CHECK(Json::parse(r2.body)["recipe"]["title"] == "Deep");
        auto bad = json_request(server, "POST", "/agent/start",
                                Json{{"working_dir", server.root().string()}, {"recipe_deeplink", "goose://recipe?config=!!!"}}.dump());
        CHECK(bad.status == 400);
    }
}

TEST_CASE("POST /agent/start refuses bad input with clear messages")
{
    ServerProcess server;
    auto missing_dir = json_request(server, "POST", "/agent/start", R"({"working_dir":"/definitely/not/here"})");
    CHECK(missing_dir.status == 400);
    CHECK(Json::parse(missing_dir.body)["message"].get<std::string>().find("working_dir") != std::string::npos);
    CHECK(json_request(server, "POST", "/agent/start", R"({})").status == 422);
    CHECK(json_request(server, "POST", "/agent/start", R"({"working_dir":5})").status == 422);
    CHECK(json_request(server, "POST", "/agent/start", R"([1,2])").status == 422);
    CHECK(json_request(server, "POST", "/agent/start", R"({"working_dir":)").status == 400);
    CHECK(server.request("POST", "/agent/start", R"({"working_dir":"/tmp"})", {{"Content-Type", "text/plain"}}).status == 415);
    CHECK(json_request(server, "POST", "/agent/start", "").status == 400);
    auto unknown = json_request(server, "POST", "/agent/start",
                                Json{{"working_dir", server.root().string()}, {"surprise", true}}.dump());
    CHECK(unknown.status == 200); // unknown fields are tolerated
    CHECK(server.alive());
}

TEST_CASE("resume, stop and update_working_dir")
{
    ServerProcess server;
    const std::string id = import_session(server, every_content_variant());

    auto r = json_request(server, "POST", "/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", false}}.dump());
    REQUIRE(r.status == 200);
    auto body = Json::parse(r.body);
    CHECK(body["session"]["id"] == id);
    CHECK(body["session"]["conversation"].size() == every_content_variant().size());
    CHECK(body["extension_results"].is_null());

    auto loaded = json_request(server, "POST", "/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", true}}.dump());
    CHECK(Json::parse(loaded.body)["extension_results"].is_array());

    CHECK(json_request(server, "POST", "/agent/stop", Json{{"session_id", id}}.dump()).status == 200);
    CHECK(json_request(server, "POST", "/agent/stop", Json{{"session_id", id}}.dump()).status == 404); // no agent now
    CHECK(json_request(server, "POST", "/agent/resume", R"({"session_id":"nope","load_model_and_extensions":true})").status == 404);
    CHECK(json_request(server, "POST", "/agent/resume", R"({"session_id":"x"})").status == 422);

    const auto dir = server.root() / "elsewhere";
    std::filesystem::create_directories(dir);
    CHECK(json_request(server, "POST", "/agent/update_working_dir", Json{{"session_id", id}, {"working_dir", dir.string()}}.dump()).status == 200);
    CHECK(Json::parse(server.get("/sessions/" + id).body)["working_dir"] == dir.string());
    CHECK(json_request(server, "POST", "/agent/update_working_dir", Json{{"session_id", id}, {"working_dir", "/no/such"}}.dump()).status == 400);
    CHECK(json_request(server, "POST", "/agent/update_working_dir", Json{{"session_id", "nope"}, {"working_dir", dir.string()}}.dump()).status == 404);
}

TEST_CASE("every MessageContent variant round-trips byte for byte through import, get and export")
{
    ServerProcess server;
    const auto messages = every_content_variant();
    const std::string id = import_session(server, messages);

    auto got = server.get("/sessions/" + id);
    REQUIRE(got.status == 200);
    std::string expected_conversation = "\"conversation\":[";
    for (size_t i = 0; i < messages.size(); ++i) expected_conversation += (i ? "," : "") + messages[i];
    expected_conversation += "]";
    CHECK(got.body.find(expected_conversation) != std::string::npos);
    CHECK(Json::parse(got.body)["message_count"] == messages.size());

    // Export is a JSON string holding the session; importing it again gives the same messages.
    auto exported = server.get("/sessions/" + id + "/export");
    REQUIRE(exported.status == 200);
    CHECK(exported.header("content-type") == "application/json");
    const std::string document = Json::parse(exported.body).get<std::string>();
    CHECK(document.find(expected_conversation) != std::string::npos);
    auto again = json_request(server, "POST", "/sessions/import", import_body(document));
    REQUIRE(again.status == 200);
    auto second = Json::parse(again.body);
    CHECK(second["id"] != id);
    CHECK(again.body.find(expected_conversation) != std::string::npos);
}

TEST_CASE("GET /sessions lists sessions with messages, newest first; paging and include_empty")
{
    ServerProcess server;
    const std::string empty = start_session(server, server.root().string());
    const std::string a = import_session(server, every_content_variant(), "first");
    const std::string b = import_session(server, every_content_variant(), "second");

    auto list = Json::parse(server.get("/sessions").body)["sessions"];
    REQUIRE(list.size() == 2);
    CHECK(list[0]["id"] == b);
    CHECK(list[1]["id"] == a);
    CHECK(list[0]["conversation"].is_null());
    CHECK(list[0]["message_count"] == every_content_variant().size());

    auto all = Json::parse(server.get("/sessions?include_empty=true").body)["sessions"];
    CHECK(all.size() == 3);

    auto page = Json::parse(server.get("/sessions?limit=1").body);
    REQUIRE(page["sessions"].size() == 1);
    CHECK(page["sessions"][0]["id"] == b);
    auto next = Json::parse(server.get("/sessions?limit=1&cursor=" + page["next_cursor"].get<std::string>()).body);
    CHECK(next["sessions"][0]["id"] == a);
    CHECK_FALSE(next.contains("next_cursor"));

    CHECK(server.get("/sessions?limit=0").status == 400);
    CHECK(server.get("/sessions?limit=abc").status == 400);
    CHECK(server.get("/sessions?include_empty=maybe").status == 400);
    CHECK(server.get("/sessions?limit=1&cursor=garbage").status == 400);
}

TEST_CASE("rename, delete and unknown ids")
{
    ServerProcess server;
    const std::string id = import_session(server, every_content_variant());
    CHECK(server.request("PUT", "/sessions/" + id + "/name", R"({"name":"  Trip plans  "})", {{"Content-Type", "application/json"}}).status == 200);
    auto s = Json::parse(server.get("/sessions/" + id).body);
    CHECK(s["name"] == "Trip plans");
    CHECK(s["user_set_name"] == true);

    for (const std::string& bad : std::vector<std::string>{R"({"name":"   "})", R"({"name":""})", Json{{"name", std::string(201, 'x')}}.dump()})
        CHECK(server.request("PUT", "/sessions/" + id + "/name", bad, {{"Content-Type", "application/json"}}).status == 400);
    CHECK(server.request("PUT", "/sessions/" + id + "/name", R"({"name":7})", {{"Content-Type", "application/json"}}).status == 422);
    CHECK(server.request("PUT", "/sessions/" + id + "/name", std::string(R"({"name":")") + std::string(200, 'y') + "\"}",
                         {{"Content-Type", "application/json"}}).status == 200);

    for (const std::string path : {"/sessions/nope", "/sessions/nope/export", "/sessions/nope/extensions"}) {
        auto r = server.get(path);
        CHECK(r.status == 404);
        CHECK(Json::parse(r.body) == Json{{"message", "Session not found"}});
    }
    CHECK(server.request("PUT", "/sessions/nope/name", R"({"name":"x"})", {{"Content-Type", "application/json"}}).status == 404);
    CHECK(json_request(server, "POST", "/sessions/nope/fork", R"({"truncate":false,"copy":true})").status == 404);

    CHECK(server.request("DELETE", "/sessions/" + id).status == 200);
    CHECK(server.get("/sessions/" + id).status == 404);
    CHECK(server.request("DELETE", "/sessions/" + id).status == 404);
}

TEST_CASE("fork copies and/or truncates at a timestamp")
{
    ServerProcess server;
    const auto messages = every_content_variant(); // created 1739370000 .. 1739370009
    const std::string id = import_session(server, messages);

    auto copy = json_request(server, "POST", "/sessions/" + id + "/fork", R"({"truncate":false,"copy":true})");
    REQUIRE(copy.status == 200);
    const std::string copied = Json::parse(copy.body)["sessionId"];
    CHECK(copied != id);
    CHECK(Json::parse(server.get("/sessions/" + copied).body)["conversation"].size() == messages.size());

    auto cut = json_request(server, "POST", "/sessions/" + id + "/fork", R"({"timestamp":1739370004,"truncate":true,"copy":true})");
    const std::string cut_id = Json::parse(cut.body)["sessionId"];
    CHECK(Json::parse(server.get("/sessions/" + cut_id).body)["conversation"].size() == 4);
    CHECK(Json::parse(server.get("/sessions/" + id).body)["conversation"].size() == messages.size()); // original untouched

    auto in_place = json_request(server, "POST", "/sessions/" + id + "/fork", R"({"timestamp":1739370002,"truncate":true,"copy":false})");
    CHECK(Json::parse(in_place.body)["sessionId"] == id);
    CHECK(Json::parse(server.get("/sessions/" + id).body)["conversation"].size() == 2);

    CHECK(json_request(server, "POST", "/sessions/" + id + "/fork", R"({"truncate":true,"copy":true})").status == 400);
    CHECK(json_request(server, "POST", "/sessions/" + id + "/fork", R"({"copy":true})").status == 422);
    CHECK(json_request(server, "POST", "/sessions/" + id + "/fork", R"({"truncate":"yes","copy":true})").status == 422);
    CHECK(json_request(server, "POST", "/sessions/" + id + "/fork", R"({"timestamp":"soon","truncate":true,"copy":true})").status == 422);
}

TEST_CASE("import refuses malformed exports and leaves nothing behind")
{
    ServerProcess server;
    auto count = [&] { return Json::parse(server.get("/sessions/insights").body)["totalSessions"].get<int>(); };
    const int before = count();
    CHECK(json_request(server, "POST", "/sessions/import", R"({"json":"not json"})").status == 400);
    CHECK(json_request(server, "POST", "/sessions/import", R"({"json":"[1,2]"})").status == 400);
    CHECK(json_request(server, "POST", "/sessions/import", R"({"json":5})").status == 422);
    CHECK(json_request(server, "POST", "/sessions/import", R"({})").status == 422);
    // One bad message among good ones: the whole import is refused.
    auto msgs = every_content_variant();
    msgs.push_back(R"({"role":"robot","created":1,"content":[]})");
    auto bad_message = json_request(server, "POST", "/sessions/import", import_body(export_document(msgs)));
    CHECK(bad_message.status == 400);
    msgs.back() = R"({"role":"user","created":1,"content":"not an array"})";
    CHECK(json_request(server, "POST", "/sessions/import", import_body(export_document(msgs))).status == 400);
    CHECK(count() == before);
    CHECK(Json::parse(server.get("/sessions?include_empty=true").body)["sessions"].empty());

    // Over 25 MB is refused before it is read.
    std::string huge = import_body(export_document({every_content_variant()[0]}, std::string(26 * 1024 * 1024, 'n')));
    auto too_big = json_request(server, "POST", "/sessions/import", huge);
    CHECK(too_big.status == 413);
    CHECK(server.alive());
    // Under the limit but large: accepted.
    std::string big = import_body(export_document({every_content_variant()[0]}, std::string(100, 'n')));
    CHECK(json_request(server, "POST", "/sessions/import", big).status == 200);
}

TEST_CASE("search finds sessions by message text, with limits and date bounds")
{
    ServerProcess server;
    const std::string id = import_session(server, every_content_variant());
    auto hits = Json::parse(server.get("/sessions/search?query=hello").body);
    REQUIRE(hits.is_array());
    REQUIRE(hits.size() == 1);
    CHECK(hits[0]["id"] == id);
    CHECK(Json::parse(server.get("/sessions/search?query=zebra").body).empty());
    // FTS syntax in user input is just text.
    for (const std::string q : {"%22hello", "a%20AND%20(", "*", "NEAR(", "hello%22%20OR", "%27%3B%20DROP%20TABLE"})
        CHECK(server.get("/sessions/search?query=" + q).status == 200);

    CHECK(Json::parse(server.get("/sessions/search?query=hello&after_date=2025-02-12T00:00:00Z").body).size() == 1);
    CHECK(Json::parse(server.get("/sessions/search?query=hello&after_date=2026-01-01T00:00:00Z").body).empty());
    CHECK(Json::parse(server.get("/sessions/search?query=hello&before_date=2025-02-12T00:00:00Z").body).empty());
    CHECK(server.get("/sessions/search?query=hello&limit=500").status == 200); // capped at 50

    CHECK(server.get("/sessions/search").status == 400);
    CHECK(server.get("/sessions/search?query=%20").status == 400);
    CHECK(server.get("/sessions/search?query=x&limit=0").status == 400);
    CHECK(server.get("/sessions/search?query=x&limit=-3").status == 400);
    CHECK(server.get("/sessions/search?query=x&limit=ten").status == 400);
    CHECK(server.get("/sessions/search?query=x&after_date=yesterday").status == 400);
    CHECK(server.get("/sessions/search?query=x&before_date=2025-13-45").status == 400);
    CHECK(server.get("/sessions/search?query=x&after_date=2026-01-02&before_date=2026-01-01").status == 400);
}

TEST_CASE("insights, extensions and user recipe values")
{
    ServerProcess server;
    auto insights = Json::parse(server.get("/sessions/insights").body);
    CHECK(insights == Json{{"totalSessions", 0}, {"totalTokens", 0}});

    Json recipe{{"title", "Trip"}, {"description", "plan"}, {"instructions", "Plan a trip to {{ city }} for {{days}} days"},
                {"parameters", Json::array({Json{{"key", "city"}, {"input_type", "string"}, {"requirement", "required"}, {"description", ""}},
                                            Json{{"key", "days"}, {"input_type", "string"}, {"requirement", "optional"}, {"default", "3"}, {"description", ""}}})}};
    auto started = json_request(server, "POST", "/agent/start", Json{{"working_dir", server.root().string()}, {"recipe", recipe}}.dump());
    const std::string id = Json::parse(started.body)["id"];
    CHECK(Json::parse(server.get("/sessions/insights").body)["totalSessions"] == 1);

    auto missing = server.request("PUT", "/sessions/" + id + "/user_recipe_values", R"({"userRecipeValues":{}})",
                                  {{"Content-Type", "application/json"}});
    CHECK(missing.status == 400);
    CHECK(Json::parse(missing.body)["message"].get<std::string>().find("Missing required parameters") == 0);
    auto ok = server.request("PUT", "/sessions/" + id + "/user_recipe_values", R"({"userRecipeValues":{"city":"Lisbon"}})",
                             {{"Content-Type", "application/json"}});
    REQUIRE(ok.status == 200);
    CHECK(Json::parse(ok.body)["recipe"]["instructions"] == "Plan a trip to Lisbon for 3 days");
    CHECK(Json::parse(server.get("/sessions/" + id).body)["user_recipe_values"] == Json{{"city", "Lisbon"}});
    CHECK(server.request("PUT", "/sessions/" + id + "/user_recipe_values", R"({"userRecipeValues":{"city":1}})",
                         {{"Content-Type", "application/json"}}).status == 422);

    const std::string plain = start_session(server, server.root().string());
    CHECK(server.request("PUT", "/sessions/" + plain + "/user_recipe_values", R"({"userRecipeValues":{}})",
                         {{"Content-Type", "application/json"}}).status == 404);
    CHECK(Json::parse(server.get("/sessions/" + plain + "/extensions").body)["extensions"].is_array());
}

TEST_CASE("the seed deployment API: POST /sessions {cwd, name}")
{
    ServerProcess server;
    auto r = json_request(server, "POST", "/sessions", Json{{"cwd", server.root().string()}, {"name", "Ops"}}.dump());
    REQUIRE(r.status == 201);
    auto s = Json::parse(r.body);
    CHECK(s["name"] == "Ops");
    CHECK(s["user_set_name"] == true);
    CHECK(server.get("/sessions/" + s["id"].get<std::string>()).status == 200);
    auto unnamed = json_request(server, "POST", "/sessions", Json{{"cwd", server.root().string()}}.dump());
    CHECK(Json::parse(unnamed.body)["name"] == "New Chat");
    CHECK(json_request(server, "POST", "/sessions", R"({"cwd":"/no/such/dir"})").status == 400);
    CHECK(json_request(server, "POST", "/sessions", R"({"name":"x"})").status == 422);
}

TEST_CASE("users are isolated on every session route")
{
    TempDir root;
    ServerProcess server(two_user_options(root.path()));
    const std::string mine = import_session(server, every_content_variant(), "desktop's");
    auto alices = as_alice(server, "POST", "/sessions/import", import_body(export_document(every_content_variant(), "alice's")));
    REQUIRE(alices.status == 200);
    const std::string hers = Json::parse(alices.body)["id"];

    // Each sees only their own in lists, search and insights.
    auto list = Json::parse(as_alice(server, "GET", "/sessions").body)["sessions"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == hers);
    CHECK(Json::parse(as_alice(server, "GET", "/sessions/search?query=hello").body).size() == 1);
    CHECK(Json::parse(as_alice(server, "GET", "/sessions/insights").body)["totalSessions"] == 1);
    CHECK(Json::parse(server.get("/sessions").body)["sessions"].size() == 1);

    // Another user's id answers exactly like a missing one, on every route.
    const std::string p = "/sessions/" + mine;
    CHECK(as_alice(server, "GET", p).status == 404);
    CHECK(as_alice(server, "GET", p + "/export").status == 404);
    CHECK(as_alice(server, "GET", p + "/extensions").status == 404);
    CHECK(as_alice(server, "PUT", p + "/name", R"({"name":"mine now"})").status == 404);
    CHECK(as_alice(server, "PUT", p + "/user_recipe_values", R"({"userRecipeValues":{}})").status == 404);
    CHECK(as_alice(server, "POST", p + "/fork", R"({"truncate":false,"copy":true})").status == 404);
    CHECK(as_alice(server, "DELETE", p).status == 404);
    CHECK(as_alice(server, "POST", "/agent/resume", Json{{"session_id", mine}, {"load_model_and_extensions", false}}.dump()).status == 404);
    CHECK(as_alice(server, "POST", "/agent/update_working_dir", Json{{"session_id", mine}, {"working_dir", "/tmp"}}.dump()).status == 404);
    json_request(server, "POST", "/agent/resume", Json{{"session_id", mine}, {"load_model_and_extensions", false}}.dump());
    CHECK(as_alice(server, "POST", "/agent/stop", Json{{"session_id", mine}}.dump()).status == 404);

    // Nothing of the desktop's changed.
    auto still = Json::parse(server.get(p).body);
    CHECK(still["name"] == "desktop's");
    CHECK(still["conversation"].size() == every_content_variant().size());
    CHECK(server.get("/sessions/" + hers).status == 404);
}

TEST_CASE("bad input on every session route leaves the server up")
{
    ServerProcess server;
    const std::string id = import_session(server, every_content_variant());
    struct Case {
        std::string method, path;
    };
    const std::vector<Case> json_routes{
        {"POST", "/agent/start"}, {"POST", "/agent/resume"}, {"POST", "/agent/stop"}, {"POST", "/agent/update_working_dir"},
        {"PUT", "/sessions/" + id + "/name"}, {"POST", "/sessions/import"}, {"POST", "/sessions/" + id + "/fork"},
        {"PUT", "/sessions/" + id + "/user_recipe_values"}, {"POST", "/sessions"}};
    for (const auto& c : json_routes) {
        INFO(c.method << " " << c.path);
        CHECK(json_request(server, c.method, c.path, "{not json").status == 400);
        CHECK(json_request(server, c.method, c.path, "\"a string\"").status == 422);
        CHECK(json_request(server, c.method, c.path, R"({"session_id":1,"name":2,"working_dir":3,"cwd":4,"json":5,"truncate":6,"copy":7,"userRecipeValues":8})").status == 422);
        CHECK(server.request(c.method, c.path, "{}", {{"Content-Type", "application/xml"}}).status == 415);
        CHECK(server.request(c.method, c.path, "{}", {{"Content-Type", "application/json"}}, false).status == 401);
        if (c.path != "/sessions/import") // its own limit is 25 MB, tested above
            CHECK(server.request(c.method, c.path, std::string(3 * 1024 * 1024, ' '), {{"Content-Type", "application/json"}}).status == 413);
    }
    CHECK(server.request("PATCH", "/sessions/" + id).status == 405);
    CHECK(server.request("POST", "/sessions/insights", "{}", {{"Content-Type", "application/json"}}).status == 405);
    CHECK(server.get("/sessions/" + id + "/nothing").status == 404);
    CHECK(server.get("/sessions/" + id).status == 200);
    CHECK(server.alive());
}
