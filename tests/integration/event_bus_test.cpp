// The session event bus and the seed-era APIs, end to end.
#include <doctest/doctest.h>

#include "agent_harness.hpp"

#include <thread>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

json slow_text(int words, int delay_ms)
{
    json chunks = json::array();
    for (int i = 0; i < words; ++i) chunks.push_back({{"text", "w" + std::to_string(i) + " "}});
    return {{"format", "openai"}, {"chunks", chunks}, {"delay_ms", delay_ms}, {"usage", {{"input_tokens", 5}, {"output_tokens", words}}}};
}

std::unique_ptr<SseClient> events(AgentHarness& h, const std::string& id, std::optional<std::string> last_event_id = std::nullopt)
{
    std::map<std::string, std::string> headers{{"X-Secret-Key", h.server().secret()}};
    if (last_event_id) headers["Last-Event-ID"] = *last_event_id;
    return std::make_unique<SseClient>(h.server().port(), "GET", "/sessions/" + id + "/events", "", headers);
}

json text_reply_seed(const std::string& text)
{
    return {{"format", "openai"}, {"chunks", json::array({{{"text", text}}})}};
}

// The sequence number of an event id "<epoch>-<seq>".
unsigned long seq_of(const std::string& id)
{
    return std::stoul(id.substr(id.rfind('-') + 1));
}

HttpResult bus_reply(AgentHarness& h, const std::string& id, const std::string& request_id, const std::string& text)
{
    return h.post("/sessions/" + id + "/reply", {{"request_id", request_id}, {"user_message", AgentHarness::user_message(text)}});
}

} // namespace

TEST_CASE("event bus: a reconnect with Last-Event-ID loses no event")
{
    AgentHarness h(json::array({slow_text(12, 80)}));
    const std::string id = h.start_session();
    auto first = events(h, id);
    REQUIRE(first->status() == 200);
    auto hello = first->next();
    REQUIRE(hello);
    CHECK(hello->json()["type"] == "ActiveRequests");
    CHECK(hello->id.empty());

    auto r = bus_reply(h, id, "req-1", "tell me");
    REQUIRE(r.status == 200);
    CHECK(Json::parse(r.body) == Json{{"request_id", "req-1"}});

    // Read a few events, then drop the connection while the turn goes on.
    std::vector<std::pair<unsigned long, Json>> got;
    while (got.size() < 4) {
        auto e = first->next();
        REQUIRE(e);
        if (e->id.empty()) continue;
        got.emplace_back(seq_of(e->id), e->json());
    }
    first->close();
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // events keep coming meanwhile

    auto second = events(h, id, std::to_string(got.back().first));
    auto again = second->next();
    REQUIRE(again);
    CHECK(again->json()["type"] == "ActiveRequests");
    while (true) {
        auto e = second->next();
        REQUIRE(e);
        if (e->id.empty()) continue;
        got.emplace_back(seq_of(e->id), e->json());
        if (e->json()["type"] == "Finish") break;
    }
    // Sequence numbers are consecutive: nothing lost, nothing repeated.
    for (size_t i = 1; i < got.size(); ++i) CHECK(got[i].first == got[i - 1].first + 1);
    std::string text;
    for (auto& [seq, e] : got) {
        CHECK(e["chat_request_id"] == "req-1");
        if (e["type"] == "Message" && e["message"]["role"] == "assistant") text += e["message"]["content"][0]["text"].get<std::string>();
    }
    std::string expected;
    for (int i = 0; i < 12; ++i) expected += "w" + std::to_string(i) + " ";
    CHECK(text == expected);
}

TEST_CASE("event bus: the turn runs with no listener; repeated request ids start nothing; one turn at a time")
{
    AgentHarness h(json::array({slow_text(6, 100), slow_text(2, 0)}));
    const std::string id = h.start_session();
    CHECK(bus_reply(h, id, "req-a", "one").status == 200);
    CHECK(bus_reply(h, id, "req-a", "one").status == 200); // the same request again: no second turn
    auto busy = bus_reply(h, id, "req-b", "two");
    CHECK(busy.status == 409);
    // Nobody listened while it ran, yet the turn completes and is persisted. A listener that
    // connects now is replayed everything from the start, up to the Finish.
    auto listener = events(h, id, "");
    bool finished = false;
    while (auto e = listener->next(10000))
        if (!e->data.empty() && e->json()["type"] == "Finish") {
            finished = true;
            break;
        }
    REQUIRE(finished);
    CHECK(h.session(id)["conversation"].size() == 2);
    CHECK(h.provider().requests().size() == 1);
    // Once it finished, a new request may run.
    CHECK(bus_reply(h, id, "req-c", "three").status == 200);
}

TEST_CASE("event bus: cancel stops the running request")
{
    AgentHarness h(json::array({slow_text(50, 100)}));
    const std::string id = h.start_session();
    auto listener = events(h, id);
    listener->next();
    CHECK(bus_reply(h, id, "req-x", "long").status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(h.post("/sessions/" + id + "/cancel", {{"request_id", "req-x"}}).status == 200);
    CHECK(h.provider().wait_for_client_close(0, std::chrono::milliseconds(3000)));
    bool finished = false;
    while (auto e = listener->next(5000))
        if (!e->data.empty() && e->json()["type"] == "Finish") {
            finished = true;
            break;
        }
    CHECK(finished);
    // Once a client has seen Finish the request is no longer running, even while its thread winds down.
    CHECK(h.post("/sessions/" + id + "/cancel", {{"request_id", "req-x"}}).status == 404);
    CHECK(h.post("/sessions/" + id + "/cancel", {{"request_id", "never"}}).status == 404);
    CHECK(h.post("/sessions/" + id + "/cancel", json::object()).status == 422);
    CHECK(h.post("/sessions/nope/cancel", {{"request_id", "x"}}).status == 404);
    CHECK(bus_reply(h, "nope", "r", "x").status == 404);
    CHECK(h.post("/sessions/" + id + "/reply", {{"user_message", AgentHarness::user_message("x")}}).status == 422);
    CHECK(h.server().get("/sessions/nope/events").status == 404);
}

TEST_CASE("seed APIs: /session/start, /session/reply, /provider/config, /sessions/{id}/messages")
{
    json tool_then_text{{"format", "openai"},
                        {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "c1"}, {"name", "todo__todo_read"}, {"arguments", "{}"}}}}})}};
    AgentHarness h(json::array({text_reply_seed("Started!"), text_reply_seed("Replied."), tool_then_text, text_reply_seed("Listed.")}));
    auto started = h.server().request("POST", "/session/start", R"({"prompt":"begin"})",
                                      {{"Content-Type", "application/json"}, {"x-api-key", h.server().secret()}});
    REQUIRE(started.status == 200);
    auto s = Json::parse(started.body);
    CHECK(s["message"] == "Started!");
    CHECK(s["status"] == "completed");
    const std::string id = s["session_id"];

    auto replied = h.post("/session/reply", {{"prompt", "again"}});
    REQUIRE(replied.status == 200);
    CHECK(Json::parse(replied.body)["message"] == "Replied.");
    CHECK(Json::parse(replied.body)["session_id"] == id);
    CHECK(h.post("/session/reply", {{"prompt", "  "}}).status == 400);
    CHECK(h.post("/session/start", json::object()).status == 422);

    auto config = Json::parse(h.server().get("/provider/config").body);
    CHECK(config["provider"] == "openai");
    CHECK(config["model"] == "gpt-4o");
    CHECK(config["is_configured"] == true);

    SseClient c(h.server().port(), "POST", "/sessions/" + id + "/messages", R"({"content":"list todos"})",
                {{"X-Secret-Key", h.server().secret()}, {"Content-Type", "application/json"}});
    REQUIRE(c.status() == 200);
    std::vector<std::string> names;
    for (auto& e : c.rest())
        if (!e.event.empty()) names.push_back(e.event);
    REQUIRE(names.size() >= 4);
    CHECK(names[0] == "tool_call");
    CHECK(names[1] == "tool_result");
    CHECK(std::find(names.begin(), names.end(), "message_chunk") != names.end());
    CHECK(names.back() == "message_complete");
    CHECK(h.server().request("POST", "/sessions/nope/messages", R"({"content":"x"})", {{"Content-Type", "application/json"}}).status == 404);
}

TEST_CASE("event bus: a turn that fails before it starts does not hold the session")
{
    AgentHarness h(json::array({text_reply_seed("fine")}));
    const std::string id = h.start_session();
    auto bad = h.post("/sessions/" + id + "/reply",
                      {{"request_id", "bad-1"}, {"user_message", {{"role", "assistant"}, {"content", json::array()}}}});
    CHECK(bad.status == 200); // accepted; the turn itself reports the problem
    auto listener = events(h, id, "");
    bool saw_error = false;
    while (auto e = listener->next(3000)) {
        if (e->data.empty() || e->id.empty()) continue;
        if (e->json()["type"] == "Error") {
            saw_error = true;
            CHECK(e->json()["error"].get<std::string>().find("user_message.role") != std::string::npos);
            break;
        }
    }
    CHECK(saw_error);
    // The session is free again: the next request runs (no 409).
    int status = 409;
    for (int i = 0; i < 50 && status == 409; ++i) {
        status = bus_reply(h, id, "good-1", "hello").status;
        if (status == 409) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(status == 200);
    Json s;
    for (int i = 0; i < 100; ++i) { // the turn runs on its own; wait for it to be persisted
        s = h.session(id);
        if (s["conversation"].size() == 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(s["conversation"].size() == 2);
}
