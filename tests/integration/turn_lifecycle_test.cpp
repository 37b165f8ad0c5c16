// Turns are never lost or doubled: one turn per session on every route, event ids that survive
// a restart, a seed reply that never holds its HTTP thread for a confirmation, and nothing a
// client saw complete lost by a SIGKILL mid-turn.
#include <doctest/doctest.h>

#include "agent_harness.hpp"

#include <csignal>
#include <set>
#include <thread>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

json slow_words(int words, int delay_ms)
{
    json chunks = json::array();
    for (int i = 0; i < words; ++i) chunks.push_back({{"text", "w" + std::to_string(i) + " "}});
    return {{"format", "openai"}, {"chunks", chunks}, {"delay_ms", delay_ms}, {"usage", {{"input_tokens", 5}, {"output_tokens", words}}}};
}

json todo_read_call(const std::string& id)
{
    return {{"format", "openai"},
            {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", "todo__todo_read"}, {"arguments", "{}"}}}}})}};
}

// The next event that carries an id (skips heartbeats and id-less events).
std::optional<SseEvent> next_with_id(SseClient& c)
{
    while (auto e = c.next(5000))
        if (!e->id.empty()) return e;
    return std::nullopt;
}

std::unique_ptr<SseClient> listen(AgentHarness& h, const std::string& id, std::optional<std::string> last_event_id = std::nullopt)
{
    std::map<std::string, std::string> headers{{"X-Secret-Key", h.server().secret()}};
    if (last_event_id) headers["Last-Event-ID"] = *last_event_id;
    return std::make_unique<SseClient>(h.server().port(), "GET", "/sessions/" + id + "/events", "", headers);
}

HttpResult bus_reply(AgentHarness& h, const std::string& id, const std::string& request_id, const std::string& text)
{
    return h.post("/sessions/" + id + "/reply", {{"request_id", request_id}, {"user_message", AgentHarness::user_message(text)}});
}

} // namespace

TEST_CASE("a second turn in a busy session is refused with 409 on every route that starts turns")
{
    AgentHarness h(json::array({slow_words(20, 50), slow_words(1, 0)}));
    const std::string id = h.start_session();
    auto first = h.reply(id, "long one");
    REQUIRE(first->status() == 200);
    REQUIRE(first->next()); // the turn is under way

    auto again = h.post("/reply", {{"session_id", id}, {"user_message", AgentHarness::user_message("second")}});
    CHECK(again.status == 409);
    CHECK(Json::parse(again.body)["message"].get<std::string>().find("already running") != std::string::npos);
    CHECK(bus_reply(h, id, "bus-1", "second").status == 409);
    CHECK(h.post("/session/reply", {{"prompt", "second"}, {"session_id", id}}).status == 409);

    first->rest(); // the first turn ends
    CHECK(h.provider().requests().size() == 1);
    // Free again as soon as the stream has ended.
    auto next = h.reply_all(id, "third");
    CHECK(next.back()["type"] == "Finish");
    CHECK(h.session(id)["conversation"].size() == 4);
}

TEST_CASE("event ids carry an epoch: an id from another epoch gets a reset and then everything")
{
    AgentHarness h(json::array({slow_words(3, 0)}));
    const std::string id = h.start_session();
    CHECK(bus_reply(h, id, "r1", "hello").status == 200);
    auto l = listen(h, id, "0");
    std::vector<std::string> ids;
    while (auto e = l->next(5000)) {
        if (e->id.empty()) continue;
        ids.push_back(e->id);
        if (e->json()["type"] == "Finish") break;
    }
    REQUIRE(ids.size() >= 3);
    const auto dash = ids[0].rfind('-');
    REQUIRE(dash != std::string::npos);
    const std::string epoch = ids[0].substr(0, dash);
    for (auto& i : ids) CHECK(i.substr(0, dash) == epoch);

    // An id of this epoch resumes after it.
    auto resumed = listen(h, id, ids[1]);
    REQUIRE(resumed->next()); // ActiveRequests
    auto after = next_with_id(*resumed);
    REQUIRE(after);
    CHECK(after->id == ids[2]);

    // An id from before a restart (another epoch, a seq far beyond) is told to reload, then gets
    // every kept event from the first.
    auto stale = listen(h, id, "1-999999");
    REQUIRE(stale->next()); // ActiveRequests
    auto reset = stale->next(5000);
    REQUIRE(reset);
    CHECK(reset->json()["type"] == "Error");
    CHECK(reset->json()["error"] == "Client too far behind - reload conversation");
    auto first = next_with_id(*stale);
    REQUIRE(first);
    CHECK(first->id == ids[0]);

    CHECK(h.server().request("GET", "/sessions/" + id + "/events", "", {{"Last-Event-ID", "x-y"}}).status == 400);
}

TEST_CASE("seed /session/reply in approve mode answers with the pending confirmation")
{
    json write_call{{"format", "openai"},
                    {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "w1"}, {"name", "todo__todo_write"}, {"arguments", R"({"content":"- a"})"}}}}})}};
    AgentHarness h(json::array({write_call, slow_words(1, 0)}), {{"GOOSE_MODE", "approve"}});
    const std::string id = h.start_session();
    auto r = h.post("/session/reply", {{"prompt", "write it"}, {"session_id", id}});
    REQUIRE(r.status == 200);
    auto body = Json::parse(r.body);
    CHECK(body["status"] == "awaiting_confirmation");
    CHECK(body["pending_confirmation"]["id"] == "w1");
    CHECK(body["pending_confirmation"]["toolName"] == "todo__todo_write");
    // The turn waits for the answer, then finishes.
    CHECK(h.post("/action-required/tool-confirmation", {{"id", "w1"}, {"sessionId", id}, {"action", "allow_once"}}).status == 200);
    Json s;
    for (int i = 0; i < 100; ++i) {
        s = h.session(id);
        if (s["conversation"].size() == 4) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(s["conversation"].size() == 4);
}

TEST_CASE("SIGKILL mid-turn: every message the client saw complete is in the store after restart")
{
    AgentHarness h(json::array({todo_read_call("t1"), slow_words(40, 50)}));
    const std::string id = h.start_session();
    auto stream = h.reply(id, "look at my list");
    REQUIRE(stream->status() == 200);
    // Complete messages: those sent as a whole (tool requests, tool responses). Text deltas are
    // parts of a message still being written.
    std::set<std::string> complete;
    int deltas = 0;
    while (deltas < 3) {
        auto e = stream->next(5000);
        REQUIRE(e);
        if (e->data.empty()) continue;
        const Json j = e->json();
        if (j["type"] != "Message") continue;
        bool text = false;
        for (auto& c : j["message"]["content"]) text = text || c["type"] == "text";
        if (text) ++deltas;
        else complete.insert(j["message"]["id"].get<std::string>());
    }
    REQUIRE(complete.size() == 2); // the tool request and its response
    const auto root = h.server().root();
    h.server().stop(SIGKILL);

    ServerProcess::Options o;
    o.root = root;
    ServerProcess restarted(o);
    auto r = restarted.get("/sessions/" + id);
    REQUIRE(r.status == 200);
    std::set<std::string> stored;
    const auto conversation = Json::parse(r.body)["conversation"];
    for (auto& m : conversation) stored.insert(m["id"].get<std::string>());
    for (auto& m : complete) CHECK(stored.count(m) == 1);
    CHECK(conversation[0]["role"] == "user");
}
