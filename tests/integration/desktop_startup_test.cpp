// The Goose desktop's own call sequence (goosed-api.md §5.7), replayed in order against the real
// binary with a fresh config: settings read at start-up, a new chat opened, its model and mode
// changed, a turn, then the history screen's calls.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "extension_entries.hpp"
#include "scripted_model_replies.hpp"

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

TEST_CASE("the desktop's start-up sequence, replayed: settings, new chat, model change, a turn, history")
{
    AgentHarness h(json::array({scripted_text("Hello from the model")}));
    ServerProcess& server = h.server();

    // 1. The desktop polls /status without its secret until it answers.
    CHECK(server.request("GET", "/status", "", {}, false).body == "ok");

    // 2. Settings.
    auto read = [&](const std::string& key) {
        auto r = h.post("/config/read", {{"key", key}, {"is_secret", false}});
        REQUIRE_MESSAGE(r.status == 200, (key + ": " + r.body));
        return Json::parse(r.body);
    };
    CHECK(read("GOOSE_PROVIDER") == "openai");
    CHECK(read("GOOSE_MODEL") == "gpt-4o");
    CHECK(read("GOOSE_MODE").is_null());
    bool openai_configured = false;
    const Json providers = Json::parse(server.get("/config/providers").body);
    for (const auto& p : providers)
        if (p["name"] == "openai") openai_configured = p["is_configured"] == true;
    CHECK(openai_configured);
    const Json extensions = Json::parse(server.get("/config/extensions").body);
    CHECK(extensions["extensions"].size() == 6); // the bundled ones: developer, memory, todo, extensionmanager, chatrecall, summon
    CHECK(configured_entries(extensions).empty());
    CHECK(Json::parse(server.get("/config/slash_commands").body)["commands"].is_array());
    CHECK(Json::parse(server.get("/system_info").body)["enabled_extensions"] == Json::array({"developer", "todo", "extensionmanager"}));
    auto info = h.post("/config/canonical-model-info", {{"provider", "openai"}, {"model", "gpt-4o"}});
    REQUIRE(info.status == 200);
    CHECK(Json::parse(info.body)["model_info"]["context_limit"] == 128000);
    CHECK(server.request("GET", "/features", "", {}, false).status == 200);

    // 3. New chat.
    auto started = h.post("/agent/start", {{"working_dir", server.root().string()}});
    REQUIRE(started.status == 200);
    const Json session = Json::parse(started.body);
    const std::string id = session["id"];
    CHECK(session["name"] == "New Chat");

    // 4. Open it: the default extensions load.
    auto resumed = h.post("/agent/resume", {{"session_id", id}, {"load_model_and_extensions", true}});
    REQUIRE(resumed.status == 200);
    const Json results = Json::parse(resumed.body)["extension_results"];
    CHECK(results.size() == 3);
    for (const auto& r : results) CHECK_MESSAGE(r["success"] == true, r.dump());

    // 5. Another model for this chat.
    REQUIRE(h.post("/agent/update_provider", {{"session_id", id}, {"provider", "openai"}, {"model", "gpt-4o-mini"}}).status == 200);

    // 1.34 desktops set the approval mode per chat: chat only, so the model is offered no tools.
    REQUIRE(h.post("/agent/update_session", {{"session_id", id}, {"goose_mode", "chat"}}).status == 200);
    auto bad_mode = h.post("/agent/update_session", {{"session_id", id}, {"goose_mode", "yolo"}});
    CHECK(bad_mode.status == 400);
    CHECK(Json::parse(bad_mode.body)["message"].get<std::string>().find("yolo") != std::string::npos);
    CHECK(h.post("/agent/update_session", {{"session_id", "20990101_1"}, {"goose_mode", "auto"}}).status == 404);
    CHECK(h.post("/agent/update_session", {{"goose_mode", "auto"}}).status == 422);

    // 6. A turn.
    const auto events = h.reply_all(id, "hello");
    CHECK(streamed_text(events) == "Hello from the model");
    CHECK(events.back()["type"] == "Finish");
    const Json sent = h.provider().requests().back().json();
    CHECK(sent["model"] == "gpt-4o-mini");
    CHECK((!sent.contains("tools") || sent["tools"].empty()));

    // 7. History.
    bool listed = false;
    const Json history = Json::parse(server.get("/sessions").body);
    for (const auto& s : history["sessions"]) listed = listed || s["id"] == id;
    CHECK(listed);
    CHECK(Json::parse(server.get("/sessions/" + id).body)["conversation"].size() == 2);
    CHECK(server.request("PUT", "/sessions/" + id + "/name", R"({"name":"Pelican chat"})", {{"Content-Type", "application/json"}}).status == 200);
    CHECK(Json::parse(server.get("/sessions/" + id).body)["name"] == "Pelican chat");
    CHECK(server.request("DELETE", "/sessions/" + id).status == 200);
    CHECK(server.get("/sessions/" + id).status == 404);
}
