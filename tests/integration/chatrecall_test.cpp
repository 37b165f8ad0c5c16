// The chatrecall platform extension through the host: switched on per session, the model searches
// the user's earlier sessions and reads one; another user's sessions stay invisible.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"

#include <fstream>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

TEST_CASE("chatrecall: search and read the same user's earlier sessions, never another user's")
{
    TempDir users;
    // alice's key is "alice-key" (SHA-256 below).
    std::ofstream(users.path() / "users.yaml") << "alice: 72ee9d4355ccb9d3a4c9dbf37382e38e75c1b1a225b5bd1f729ee91bbda30c20\n";
    AgentHarness h(json::array({scripted_text("noted"), scripted_text("alice noted"),
                                scripted_tool_call("s1", "chatrecall__search_sessions", json({{"query", "pelican"}}).dump()),
                                scripted_text("found it")}),
                   {{"GAGGLE_USERS_FILE", (users.path() / "users.yaml").string()}});
    ServerProcess& server = h.server();

    // The desktop user's earlier session mentions pelicans; alice's mentions them too.
    const std::string earlier = h.start_session();
    h.reply_all(earlier, "remember the pelican migration notes");
    const std::map<std::string, std::string> alice{{"Content-Type", "application/json"}, {"Authorization", "Bearer alice-key"}};
    auto started = server.request("POST", "/agent/start", Json{{"working_dir", server.root().string()}}.dump(), alice, false);
    REQUIRE(started.status == 200);
    const std::string alice_session = Json::parse(started.body)["id"];
    auto alice_reply = server.request("POST", "/reply",
                                      Json{{"session_id", alice_session}, {"user_message", AgentHarness::user_message("alice's secret pelican plan")}}.dump(),
                                      alice, false);
    REQUIRE(alice_reply.status == 200);

    // Off by default: a session has no chatrecall tools until the extension is switched on.
    const std::string now = h.start_session();
    CHECK(server.get("/agent/tools?session_id=" + now).body.find("chatrecall__") == std::string::npos);
    auto added = h.post("/agent/add_extension", Json{{"session_id", now}, {"config", {{"type", "platform"}, {"name", "chatrecall"}}}});
    REQUIRE(added.status == 200);
    CHECK(server.get("/agent/tools?session_id=" + now).body.find("chatrecall__search_sessions") != std::string::npos);

    auto events = h.reply_all(now, "what did I say about pelicans?");
    const std::string found = tool_output(events, "s1");
    CHECK(found.find(earlier) != std::string::npos);
    CHECK(found.find(alice_session) == std::string::npos);
    CHECK(found.find("\"isError\":true") == std::string::npos);

    // Reading: the user's own session shows its text; alice's is not found.
    json read_own = scripted_tool_call("r1", "chatrecall__read_session", json({{"session_id", earlier}}).dump());
    json read_alice = scripted_tool_call("r2", "chatrecall__read_session", json({{"session_id", alice_session}}).dump());
    h.provider().set_scenario(json::array({read_own, read_alice, scripted_text("done")}));
    auto read_events = h.reply_all(now, "open it");
    CHECK(tool_output(read_events, "r1").find("pelican migration notes") != std::string::npos);
    const std::string other = tool_output(read_events, "r2");
    CHECK(other.find("secret pelican plan") == std::string::npos);
    CHECK(other.find("No session") != std::string::npos);

    // Switched off again, its tools are gone; an unknown platform extension is refused.
    CHECK(h.post("/agent/remove_extension", Json{{"session_id", now}, {"name", "chatrecall"}}).status == 200);
    CHECK(server.get("/agent/tools?session_id=" + now).body.find("chatrecall__") == std::string::npos);
    CHECK(h.post("/agent/add_extension", Json{{"session_id", now}, {"config", {{"type", "platform"}, {"name", "nosuch"}}}}).status / 100 == 4);
}
