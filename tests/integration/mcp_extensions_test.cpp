// MCP extensions end to end: the real binary, the stdio transport plugin, the real npm
// server-everything (tests/peers, installed by scripts/setup) and the scripted provider.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "extension_entries.hpp"
#include "scripted_model_replies.hpp"
#include "mcp_process_probe.hpp"

#include <csignal>
#include <fstream>
#include <future>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

std::string everything_script()
{
    // Appended, not `+` on a temporary: GCC 12's -Warray-bounds misfires on that once inlined.
    std::string path = GAGGLE_TEST_PEERS_DIR;
    path += "/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
    REQUIRE_MESSAGE(std::filesystem::exists(path), "server-everything is missing: run scripts/setup (npm ci in tests/peers)");
    return path;
}

Json everything_config(const std::string& name = "everything")
{
    return Json{{"type", "stdio"}, {"name", name}, {"description", "MCP reference server"}, {"cmd", "node"},
                {"args", Json::array({everything_script(), "stdio"})}, {"timeout", 60}};
}

std::string start_with(AgentHarness& h, const Json& extensions)
{
    auto r = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"extension_overrides", extensions}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body)["id"].get<std::string>();
}

Json resume(AgentHarness& h, const std::string& id)
{
    auto r = h.post("/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", true}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body);
}

const Json* tool_response(const std::vector<Json>& events, const std::string& id)
{
    for (auto& e : events)
        if (e["type"] == "Message")
            for (auto& c : e["message"]["content"])
                if (c["type"] == "toolResponse" && c["id"] == id) return &c;
    return nullptr;
}

std::string result_text(const Json& tool_response_item)
{
    std::string out;
    for (auto& c : tool_response_item["toolResult"]["value"]["content"])
        if (c["type"] == "text") out += c["text"].get<std::string>();
    return out;
}

} // namespace

TEST_CASE("a stdio extension's tools are listed with its prefix and reported loaded")
{
    AgentHarness h(json::array());
    const std::string id = start_with(h, Json::array({everything_config()}));
    Json resumed = resume(h, id);
    REQUIRE(resumed["extension_results"].size() == 1);
    CHECK(resumed["extension_results"][0]["name"] == "everything");
    CHECK(resumed["extension_results"][0]["success"] == true);

    auto r = h.server().get("/agent/tools?session_id=" + id + "&extension_name=everything");
    REQUIRE(r.status == 200);
    Json tools = Json::parse(r.body);
    bool echo = false;
    for (auto& t : tools) {
        CHECK(t["name"].get<std::string>().rfind("everything__", 0) == 0);
        if (t["name"] == "everything__echo") {
            echo = true;
            CHECK(t["parameters"] == Json::array({"message"}));
        }
    }
    CHECK(echo);
    // The session's list is the truth /sessions/{id}/extensions tells.
    auto listed = Json::parse(h.server().get("/sessions/" + id + "/extensions").body);
    REQUIRE(listed["extensions"].size() == 1);
    CHECK(listed["extensions"][0]["name"] == "everything");
}

TEST_CASE("the model calls everything__echo: the result reaches the stream and the store")
{
    AgentHarness h(json::array({scripted_tool_call("call_echo", "everything__echo", "{\"message\":\"hello mcp\"}"), scripted_text("Done.")}));
    const std::string id = start_with(h, Json::array({everything_config()}));
    auto events = h.reply_all(id, "echo something");
    const Json* response = tool_response(events, "call_echo");
    REQUIRE(response != nullptr);
    CHECK(result_text(*response) == "Echo: hello mcp");
    CHECK(streamed_text(events).find("Done.") != std::string::npos);

    // The model saw the tool, prefixed, in the real OpenAI request.
    auto req = h.provider().requests().at(0).json();
    bool offered = false;
    for (auto& t : req["tools"])
        if (t["function"]["name"] == "everything__echo") offered = true;
    CHECK(offered);

    auto s = h.session(id);
    bool stored = false;
    for (auto& m : s["conversation"])
        for (auto& c : m["content"])
            if (c["type"] == "toolResponse" && c["id"] == "call_echo") stored = result_text(c) == "Echo: hello mcp";
    CHECK(stored);
}

TEST_CASE("progress notifications of a long-running tool reach the stream with the tool request id")
{
    AgentHarness h(json::array({scripted_tool_call("call_long", "everything__trigger-long-running-operation", "{\"duration\":1,\"steps\":3}"),
                                scripted_text("ok")}));
    const std::string id = start_with(h, Json::array({everything_config()}));
    auto events = h.reply_all(id, "run the long thing");
    auto notes = of_type(events, "Notification");
    int progress = 0;
    for (auto& n : notes) {
        CHECK(n["request_id"] == "call_long");
        if (n["message"]["method"] == "notifications/progress") ++progress;
    }
    CHECK(progress == 3);
    const Json* response = tool_response(events, "call_long");
    REQUIRE(response != nullptr);
    CHECK(result_text(*response).find("Long running operation completed") != std::string::npos);
}

TEST_CASE("resources, roots and direct tool calls through the agent routes")
{
    AgentHarness h(json::array());
    const std::string id = start_with(h, Json::array({everything_config()}));
    REQUIRE(resume(h, id)["extension_results"][0]["success"] == true);

    auto r = h.post("/agent/read_resource", Json{{"session_id", id}, {"extension_name", "everything"},
                                                 {"uri", "demo://resource/static/document/architecture.md"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    Json resource = Json::parse(r.body);
    CHECK(resource["uri"] == "demo://resource/static/document/architecture.md");
    CHECK(resource["text"].get<std::string>().size() > 20);

    r = h.post("/agent/read_resource", Json{{"session_id", id}, {"extension_name", "nope"}, {"uri", "demo://x"}});
    CHECK(r.status == 404);

    // roots/list is answered with the session's working folder.
    r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__get-roots-list"}, {"arguments", Json::object()}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    Json called = Json::parse(r.body);
    CHECK(called["is_error"] == false);
    CHECK(called["content"].dump().find(h.server().root().string()) != std::string::npos);

    r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__get-sum"}, {"arguments", {{"a", 2}, {"b", 40}}}});
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body)["content"].dump().find("42") != std::string::npos);

    r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__no_such_tool"}, {"arguments", Json::object()}});
    CHECK(r.status == 404);
}

TEST_CASE("extensionmanager lists and reads the resources of the session's MCP servers")
{
    AgentHarness h(json::array());
    const std::string id = start_with(h, Json::array({everything_config(), {{"type", "platform"}, {"name", "extensionmanager"}}}));
    const Json results = resume(h, id)["extension_results"];
    REQUIRE(results.size() == 2);
    for (auto& r : results) REQUIRE_MESSAGE(r["success"] == true, r.dump());
    auto call = [&](const std::string& tool, const Json& arguments) {
        auto r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "extensionmanager__" + tool}, {"arguments", arguments}});
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return Json::parse(r.body);
    };
    const std::string uri = "demo://resource/static/document/architecture.md";
    Json listed = call("list_resources", Json::object());
    CHECK(listed["is_error"] == false);
    CHECK(listed["content"][0]["text"].get<std::string>().find("everything: " + uri) != std::string::npos);
    CHECK(call("list_resources", {{"extension_name", "everything"}})["content"].dump().find(uri) != std::string::npos);
    CHECK(call("list_resources", {{"extension_name", "nope"}})["is_error"] == true);

    Json read = call("read_resource", {{"uri", uri}});
    CHECK(read["is_error"] == false);
    CHECK(read["content"][0]["text"].get<std::string>().size() > 20);
    CHECK(call("read_resource", {{"uri", uri}, {"extension_name", "everything"}})["content"] == read["content"]);
    CHECK(call("read_resource", {{"uri", "demo://no/such/thing"}})["is_error"] == true);
    CHECK(call("read_resource", Json::object())["is_error"] == true);
    CHECK(call("read_resource", {{"uri", 7}})["is_error"] == true);
}

TEST_CASE("sampling: a server's sampling/createMessage is answered by the session's model")
{
    AgentHarness h(json::array({scripted_tool_call("s1", "everything__trigger-sampling-request", json({{"prompt", "pelicans"}, {"maxTokens", 50}}).dump()),
                                scripted_text("Pelicans are large water birds."), // the sampling answer
                                scripted_text("The server heard back.")}));
    const std::string id = start_with(h, Json::array({everything_config()}));
    const auto events = h.reply_all(id, "ask the server to sample");
    const Json* response = tool_response(events, "s1");
    REQUIRE(response);
    const std::string text = result_text(*response);
    CHECK(text.find("Pelicans are large water birds.") != std::string::npos);
    CHECK(text.find("endTurn") != std::string::npos);
    CHECK(streamed_text(events) == "The server heard back.");

    // The sampling request went to the session's provider with the server's own prompt and
    // limits, and without the session's conversation or tools.
    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 3);
    // The server's own instructions (from initialize) follow the system prompt under its name.
    const std::string turn_request = requests[0].json().dump();
    CHECK(turn_request.find("## everything") != std::string::npos);
    CHECK(turn_request.find("Use `get-roots-list` to see client workspace roots") != std::string::npos);
    const Json sampled = requests[1].json();
    CHECK(sampled["max_tokens"] == 50);
    CHECK_FALSE(sampled.contains("tools"));
    CHECK(sampled.dump().find("You are a helpful test server.") != std::string::npos);
    CHECK(sampled.dump().find("pelicans") != std::string::npos);
    CHECK(sampled.dump().find("ask the server to sample") == std::string::npos);
}

namespace {

// Reads the stream up to the elicitation the turn shows; its actionRequired data.
Json wait_for_elicitation(SseClient& stream)
{
    while (auto e = stream.next(30000)) {
        if (e->type() != "Message") continue;
        const Json message = e->json()["message"];
        for (auto& c : message["content"])
            if (c["type"] == "actionRequired" && c["data"]["actionType"] == "elicitation") {
                CHECK(message["metadata"]["userVisible"] == true);
                CHECK(message["metadata"]["agentVisible"] == false);
                return c["data"];
            }
    }
    return Json();
}

Json elicitation_response(const std::string& id, const Json& user_data)
{
    return Json{{"role", "user"}, {"created", 1700000000},
                {"content", Json::array({Json{{"type", "actionRequired"},
                                              {"data", {{"actionType", "elicitationResponse"}, {"id", id}, {"user_data", user_data}}}}})},
                {"metadata", {{"userVisible", false}, {"agentVisible", true}}}};
}

} // namespace

TEST_CASE("elicitation: a server's question is shown in the turn and answered by a later reply, as the desktop does")
{
    AgentHarness h(json::array({scripted_tool_call("e1", "everything__trigger-elicitation-request", "{}"),
                                scripted_text("Thanks, Ada."),
                                scripted_tool_call("e2", "everything__trigger-elicitation-request", "{}"),
                                scripted_text("Understood.")}));
    const std::string id = start_with(h, Json::array({everything_config()}));

    // Accepted: the form's values reach the server, the turn goes on in its own stream.
    auto turn = h.reply(id, "ask me for my details");
    const Json asked = wait_for_elicitation(*turn);
    REQUIRE(asked.is_object());
    CHECK(asked["message"] == "Please provide inputs for the following fields:");
    CHECK(asked["requested_schema"]["required"] == Json::array({"name"}));
    const std::string elicitation_id = asked["id"];

    // An answer for an id nobody waits on, or in another session, is a 404; the question stays.
    const std::string other = start_with(h, Json::array());
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", elicitation_response("elicit_nobody", {{"name", "x"}})}}).status == 404);
    CHECK(h.post("/reply", Json{{"session_id", other}, {"user_message", elicitation_response(elicitation_id, {{"name", "x"}})}}).status == 404);
    auto malformed = h.post("/reply", Json{{"session_id", id}, {"user_message", elicitation_response("", {{"name", "x"}})}});
    CHECK(malformed.status == 422);

    auto answered = h.post("/reply", Json{{"session_id", id},
                                          {"user_message", elicitation_response(elicitation_id, {{"name", "Ada Lovelace"}, {"check", true}})}});
    REQUIRE(answered.status == 200);
    CHECK(answered.body.find("\"Finish\"") != std::string::npos);
    auto events = data_events(turn->rest());
    const Json* accepted = tool_response(events, "e1");
    REQUIRE(accepted);
    CHECK(result_text(*accepted).find("Name: Ada Lovelace") != std::string::npos);
    CHECK(result_text(*accepted).find("Agreed to terms: true") != std::string::npos);
    CHECK(streamed_text(events) == "Thanks, Ada.");
    // Answered once: a second answer finds nothing waiting.
    CHECK(h.post("/reply", Json{{"session_id", id}, {"user_message", elicitation_response(elicitation_id, {{"name", "x"}})}}).status == 404);

    // Declined through the 1.34 route: no form at all; nothing new starts in the session.
    auto second = h.reply(id, "ask again");
    const Json again = wait_for_elicitation(*second);
    REQUIRE(again.is_object());
    auto declined = h.post("/sessions/" + id + "/reply",
                           Json{{"request_id", "r-decline"}, {"user_message", elicitation_response(again["id"], nullptr)}});
    REQUIRE(declined.status == 200);
    CHECK(Json::parse(declined.body)["request_id"] == "r-decline");
    events = data_events(second->rest());
    const Json* refused = tool_response(events, "e2");
    REQUIRE(refused);
    CHECK(result_text(*refused).find("declined") != std::string::npos);
    CHECK(h.provider().requests().size() == 4); // the answers started no turn
}

TEST_CASE("elicitation with nobody to answer: a direct tool call is declined at once, a client that leaves cancels it")
{
    AgentHarness h(json::array({scripted_tool_call("e1", "everything__trigger-elicitation-request", "{}"), scripted_text("late")}));
    const std::string id = start_with(h, Json::array({everything_config()}));
    auto direct = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__trigger-elicitation-request"}, {"arguments", Json::object()}});
    REQUIRE(direct.status == 200);
    CHECK(Json::parse(direct.body)["content"][0]["text"].get<std::string>().find("declined") != std::string::npos);

    auto turn = h.reply(id, "ask me");
    const Json asked = wait_for_elicitation(*turn);
    REQUIRE(asked.is_object());
    turn->close(); // the person goes away: the turn is cancelled and the question with it
    bool forgotten = false;
    for (int i = 0; i < 100 && !forgotten; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        forgotten = h.post("/reply", Json{{"session_id", id}, {"user_message", elicitation_response(asked["id"], {{"name", "x"}})}}).status == 404;
    }
    CHECK(forgotten);
}

TEST_CASE("a server killed mid-call answers a clear error and is started again on the next use")
{
    AgentHarness h(json::array());
    const std::string id = start_with(h, Json::array({everything_config()}));
    REQUIRE(resume(h, id)["extension_results"][0]["success"] == true);
    const auto before = session_processes(id);
    REQUIRE(!before.empty());

    auto slow = std::async(std::launch::async, [&] {
        return h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__trigger-long-running-operation"},
                                               {"arguments", {{"duration", 30}, {"steps", 30}}}});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // let the call reach the server
    for (pid_t p : before) ::kill(p, SIGKILL);
    auto r = slow.get();
    REQUIRE(r.status == 200);
    Json answer = Json::parse(r.body);
    CHECK(answer["is_error"] == true);
    CHECK(answer["content"][0]["text"].get<std::string>().find("stopped during the call") != std::string::npos);

    r = h.post("/agent/call_tool", Json{{"session_id", id}, {"name", "everything__echo"}, {"arguments", {{"message", "again"}}}});
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body)["content"][0]["text"] == "Echo: again");
}

TEST_CASE("extensions that cannot start say why: stderr of a failing server, a missing command")
{
    AgentHarness h(json::array());
    const std::string id = start_with(h, Json::array());
    Json failing = {{"type", "stdio"}, {"name", "broken"}, {"description", ""}, {"cmd", "sh"},
                    {"args", Json::array({"-c", "echo 'boom: config missing' >&2; exit 3"})}};
    auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", failing}});
    CHECK(r.status == 502);
    CHECK(r.body.find("boom: config missing") != std::string::npos);
    CHECK(r.body.find("status 3") != std::string::npos);

    Json missing = {{"type", "stdio"}, {"name", "missing"}, {"description", ""}, {"cmd", "no-such-mcp-command-xyz"}, {"args", Json::array()}};
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", missing}});
    CHECK(r.status == 502);
    CHECK(r.body.find("command not found: no-such-mcp-command-xyz") != std::string::npos);

    // At resume the same failures are results, and they do not hold up the others.
    const std::string id2 = start_with(h, Json::array({failing, everything_config(), missing}));
    Json results = resume(h, id2)["extension_results"];
    REQUIRE(results.size() == 3);
    CHECK(results[0]["success"] == false);
    CHECK(results[0]["error"].get<std::string>().find("boom: config missing") != std::string::npos);
    CHECK(results[1]["success"] == true);
    CHECK(results[2]["success"] == false);
}

TEST_CASE("malformed configs, dangerous env names and the allowlist are refused with a message")
{
    TempDir dir;
    const std::string allowlist = (dir.path() / "allowlist.yaml").string();
    std::ofstream(allowlist) << "extensions:\n  - id: everything\n    command: node " << everything_script() << " stdio\n";
    AgentHarness h(json::array(), {{"GOOSE_ALLOWLIST", allowlist}});
    const std::string id = start_with(h, Json::array());

    auto r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", {{"type", "stdio"}, {"name", "x"}}}});
    CHECK(r.status == 422);
    CHECK(r.body.find("config.cmd") != std::string::npos);
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", {{"type", "telepathy"}, {"name", "x"}}}});
    CHECK(r.status == 422);
    CHECK(r.body.find("config.type") != std::string::npos);

    Json evil = everything_config("evil");
    evil["envs"] = {{"LD_PRELOAD", "/tmp/evil.so"}};
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", evil}});
    CHECK(r.status == 400);
    CHECK(r.body.find("LD_PRELOAD") != std::string::npos);
    evil["envs"] = {{"NODE_OPTIONS", "--require /tmp/x.js"}};
    CHECK(h.post("/agent/add_extension", Json{{"session_id", id}, {"config", evil}}).status == 400);

    Json other = {{"type", "stdio"}, {"name", "shell"}, {"description", ""}, {"cmd", "sh"}, {"args", Json::array({"-c", "true"})}};
    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", other}});
    CHECK(r.status == 403);
    CHECK(r.body.find("allowlist") != std::string::npos);
    // No argument injection past the listed command.
    Json injected = everything_config("injected");
    injected["args"].push_back("--evil");
    CHECK(h.post("/agent/add_extension", Json{{"session_id", id}, {"config", injected}}).status == 403);
    CHECK(h.post("/config/extensions", Json{{"name", "shell"}, {"enabled", true}, {"config", other}}).status == 403);

    r = h.post("/agent/add_extension", Json{{"session_id", id}, {"config", everything_config()}});
    CHECK_MESSAGE(r.status == 200, r.body);
    r = h.post("/agent/remove_extension", Json{{"session_id", id}, {"name", "everything"}});
    CHECK(r.status == 200);
    CHECK(eventually([&] { return session_processes(id).empty(); }));
    CHECK(h.post("/agent/remove_extension", Json{{"session_id", id}, {"name", "everything"}}).status == 404);
}

TEST_CASE("config extensions are edited in config.yaml without losing other keys")
{
    AgentHarness h(json::array());
    const auto file = h.server().root() / "config" / "config.yaml";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "GOOSE_TEMPERATURE: 0.5\nmy_key: kept\n";
    auto r = h.post("/config/extensions", Json{{"name", "Everything"}, {"enabled", true}, {"config", everything_config("Everything")}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const Json listed = configured_entries(Json::parse(h.server().get("/config/extensions").body));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["name"] == "Everything");
    CHECK(listed[0]["enabled"] == true);
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("my_key: kept") != std::string::npos);
    CHECK(text.find("everything:") != std::string::npos);

    // A session started now gets the enabled configured extension.
    const std::string id = h.start_session();
    const Json everything = result_named(resume(h, id)["extension_results"], "Everything");
    REQUIRE(everything.is_object());
    CHECK(everything["success"] == true);

    CHECK(h.post("/config/extensions", Json{{"name", "bad"}, {"enabled", true}, {"config", {{"type", "stdio"}}}}).status == 422);
    CHECK(h.server().request("DELETE", "/config/extensions/everything").status == 200);
    CHECK(h.server().request("DELETE", "/config/extensions/everything").status == 404);
    CHECK(configured_entries(Json::parse(h.server().get("/config/extensions").body)).empty());
}

TEST_CASE("no server outlives its agent or its host: stop, SIGTERM, SIGKILL")
{
    AgentHarness h(json::array());
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(start_with(h, Json::array({everything_config()})));
        REQUIRE(resume(h, ids.back())["extension_results"][0]["success"] == true);
    }
    REQUIRE(!session_processes(ids[0]).empty());
    // Each server leads a process group of its own, away from the host's.
    const pid_t server_pgid = ::getpgid(session_processes(ids[0]).front());
    CHECK(server_pgid != ::getpgid(h.server().pid()));

    REQUIRE(h.post("/agent/stop", Json{{"session_id", ids[0]}}).status == 200);
    CHECK(eventually([&] { return session_processes(ids[0]).empty(); }));
    CHECK(::kill(-server_pgid, 0) != 0); // the whole group is gone

    SUBCASE("SIGTERM")
    {
        h.server().stop(SIGTERM);
    }
    SUBCASE("SIGKILL")
    {
        h.server().stop(SIGKILL);
    }
    for (auto& id : ids) CHECK(eventually([&] { return session_processes(id).empty(); }));
}

TEST_CASE("seed extension routes: goose-api's list, add and remove and the deployment guide's enable and disable configure new sessions")
{
    TempDir dir;
    const std::string allowlist = (dir.path() / "allowlist.yaml").string();
    std::ofstream(allowlist) << "extensions:\n  - id: everything\n    command: node " << everything_script() << " stdio\n";
    AgentHarness h(json::array(), {{"GOOSE_ALLOWLIST", allowlist}});
    auto names = [&] { return Json::parse(h.server().get("/extensions/list").body)["extensions"]; };
    auto has = [](const Json& list, const std::string& name) { return std::find(list.begin(), list.end(), Json(name)) != list.end(); };
    auto entry = [&](const std::string& name) {
        const Json listed = Json::parse(h.server().get("/extensions").body);
        for (auto& e : listed["extensions"])
            if (e["name"] == name) return e;
        return Json();
    };
    CHECK(has(names(), "developer"));
    CHECK(has(names(), "todo"));
    CHECK_FALSE(has(names(), "memory"));

    // goose-api's add: the extension is configured, enabled, and a new session runs it.
    auto added = h.post("/extensions/add", everything_config());
    REQUIRE(added.status == 200);
    CHECK(Json::parse(added.body) == Json{{"error", false}, {"message", nullptr}});
    CHECK(has(names(), "everything"));
    const std::string id = h.start_session();
    bool loaded = false;
    const Json resumed = resume(h, id);
    for (auto& r : resumed["extension_results"])
        if (r["name"] == "everything") loaded = r["success"] == true;
    CHECK_MESSAGE(loaded, resumed["extension_results"].dump());

    // Refusals keep goose-api's shape with the right status.
    auto bad = h.post("/extensions/add", Json{{"type", "stdio"}, {"name", "x"}});
    CHECK(bad.status == 422);
    CHECK(Json::parse(bad.body)["error"] == true);
    CHECK(Json::parse(bad.body)["message"].get<std::string>().find("cmd") != std::string::npos);
    auto refused = h.post("/extensions/add", Json{{"type", "stdio"}, {"name", "shell"}, {"cmd", "sh"}, {"args", Json::array({"-c", "true"})}});
    CHECK(refused.status == 403);
    CHECK(Json::parse(refused.body)["message"].get<std::string>().find("allowlist") != std::string::npos);
    CHECK(entry("shell").is_null());

    // The deployment guide's switches.
    auto off = h.post("/extensions/everything/disable", Json::object());
    REQUIRE(off.status == 200);
    CHECK(Json::parse(off.body)["enabled"] == false);
    CHECK_FALSE(has(names(), "everything"));
    CHECK(entry("everything")["cmd"] == "node"); // still configured
    CHECK(Json::parse(h.post("/extensions/everything/enable", Json::object()).body)["enabled"] == true);
    CHECK(has(names(), "everything"));
    CHECK(h.post("/extensions/memory/enable", Json::object()).status == 200); // a bundled one
    CHECK(has(names(), "memory"));
    auto unknown = h.post("/extensions/nothing/enable", Json::object());
    CHECK(unknown.status == 404);
    CHECK(Json::parse(unknown.body)["message"] == "Extension nothing is not configured");

    // goose-api's remove takes the bare name; a bundled extension is switched off instead.
    auto removed = h.post("/extensions/remove", Json("everything"));
    REQUIRE(removed.status == 200);
    CHECK(Json::parse(removed.body)["error"] == false);
    CHECK(entry("everything").is_null());
    CHECK(h.post("/extensions/remove", Json{{"name", "todo"}}).status == 200);
    CHECK(entry("todo")["enabled"] == false);
    CHECK_FALSE(has(names(), "todo"));
    auto gone = h.post("/extensions/remove", Json("nothing"));
    CHECK(gone.status == 404);
    CHECK(Json::parse(gone.body)["error"] == true);
    CHECK(h.post("/extensions/remove", Json(5)).status == 422);
}
