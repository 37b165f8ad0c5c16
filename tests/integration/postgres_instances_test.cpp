// Several gaggle instances on one PostgreSQL database (GAGGLE_DATABASE_URL), as behind a load
// balancer: any instance serves any session, and neither a killed instance nor a restarted
// database loses a message an instance acknowledged. The server is real (tests/support/pg_server).
#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"
#include "session_fixtures.hpp"

#include "../support/pg_server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>

using namespace gaggle::test;
using gaggle::Json;

namespace {

struct Cluster {
    PgServer database;
    std::string url = database.create_database();
    gaggle::testing::ScriptedProvider provider;
    std::vector<std::unique_ptr<ServerProcess>> instances;

    std::map<std::string, std::string> extra_env;

    explicit Cluster(Json replies, int count = 3, std::map<std::string, std::string> env = {})
        : provider(std::move(replies)), extra_env(std::move(env)) {
        provider.start();
        for (int i = 0; i < count; ++i) instances.push_back(start_instance());
    }

    std::unique_ptr<ServerProcess> start_instance() {
        ServerProcess::Options o;
        o.env = extra_env;
        o.env.insert({{"GAGGLE_DATABASE_URL", url}, {"GAGGLE_DATABASE_TIMEOUT_MS", "3000"},
                 {"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "gpt-4o"}, {"OPENAI_HOST", provider.base_url()},
                 {"OPENAI_API_KEY", "sk-test"}, {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}});
        return std::make_unique<ServerProcess>(o);
    }

    ServerProcess& operator[](std::size_t i) { return *instances.at(i); }
};

std::unique_ptr<SseClient> start_reply(ServerProcess& s, const std::string& session_id, const std::string& text) {
    return std::make_unique<SseClient>(
        s.port(), "POST", "/reply", Json{{"session_id", session_id}, {"user_message", AgentHarness::user_message(text)}}.dump(),
        std::map<std::string, std::string>{{"X-Secret-Key", s.secret()}, {"Content-Type", "application/json"}});
}

std::vector<Json> reply_through(ServerProcess& s, const std::string& session_id, const std::string& text) {
    auto c = start_reply(s, session_id, text);
    REQUIRE(c->status() == 200);
    return data_events(c->rest());
}

// A reply that streams for about `seconds`: time for another instance to try the session.
Json slow_text(int seconds) {
    Json chunks = Json::array();
    for (int i = 0; i < seconds * 5; ++i) chunks.push_back({{"text", "."}});
    return {{"format", "openai"}, {"delay_ms", 200}, {"chunks", chunks}, {"usage", {{"input_tokens", 1}, {"output_tokens", 1}}}};
}

std::string new_session(ServerProcess& s) {
    auto r = s.post_json("/agent/start", Json{{"working_dir", "/tmp"}}.dump());
    REQUIRE(r.status == 200);
    return Json::parse(r.body)["id"].get<std::string>();
}

std::set<std::string> listed_ids(ServerProcess& s) {
    std::set<std::string> ids;
    const auto r = s.get("/sessions");
    REQUIRE(r.status == 200);
    const Json listing = Json::parse(r.body);  // named: a range-for over a temporary's member dangles
    for (const auto& session : listing["sessions"]) ids.insert(session["id"].get<std::string>());
    return ids;
}

} // namespace

TEST_CASE("postgres: a session made on one instance is listed, searched and continued on the others") {
    Cluster cluster(Json::array({scripted_text("Narwhals have one long tusk."), scripted_text("It is a tooth.")}));
    const std::string id = new_session(cluster[0]);

    // A turn on the second instance, on the session the first one created.
    const auto first = reply_through(cluster[1], id, "tell me about narwhals");
    CHECK(streamed_text(first) == "Narwhals have one long tusk.");

    // Listed and searched through the third, and through the first.
    CHECK(listed_ids(cluster[2]).count(id) == 1);
    for (std::size_t i : {0u, 2u}) {
        const auto found = cluster[i].get("/sessions/search?query=narwhals");
        REQUIRE(found.status == 200);
        const auto hits = Json::parse(found.body);
        REQUIRE(hits.size() == 1);
        CHECK(hits[0]["id"] == id);
    }

    // Continued through the third: it sees the history the second wrote.
    const auto second = reply_through(cluster[2], id, "what is the tusk?");
    CHECK(streamed_text(second) == "It is a tooth.");
    const auto requests = cluster.provider.requests();
    REQUIRE(requests.size() == 2);
    const std::string sent = requests[1].json()["messages"].dump();
    CHECK(sent.find("tell me about narwhals") != std::string::npos);
    CHECK(sent.find("Narwhals have one long tusk.") != std::string::npos);

    const auto session = Json::parse(cluster[0].get("/sessions/" + id).body);
    CHECK(session["conversation"].size() == 4);
    CHECK(session["message_count"] == 4);
}

TEST_CASE("postgres: a killed instance and a restarted database lose no acknowledged session") {
    Cluster cluster(Json::array(), 3);
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> acknowledged;  // id, name
    std::atomic<int> server_errors{0}, unavailable{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < 2; ++w)
        writers.emplace_back([&, w] {
            for (int i = 0; !stop; ++i) {
                const std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
                try {
                    const auto r = json_request(cluster[w], "POST", "/sessions/import",
                                                import_body(export_document(every_content_variant(), name)));
                    if (r.status == 200) {
                        std::lock_guard lock(mutex);
                        acknowledged.emplace_back(Json::parse(r.body)["id"].get<std::string>(), name);
                    } else if (r.status == 503) {
                        ++unavailable;
                        CHECK(Json::parse(r.body)["message"].get<std::string>().find("database") != std::string::npos);
                    } else {
                        ++server_errors;
                    }
                } catch (const std::exception&) {
                    if (w == 1) return;  // the instance was killed
                    ++server_errors;
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    cluster.database.stop();  // the database goes away under load ...
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    cluster.database.start();  // ... and comes back
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    cluster[1].stop(SIGKILL);  // an instance dies mid-write
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stop = true;
    for (auto& t : writers) t.join();

    CHECK(server_errors == 0);
    CHECK(unavailable > 0);
    REQUIRE(acknowledged.size() > 10);
    // Every acknowledged session is whole, read through the instance that wrote none of them.
    for (const auto& [id, name] : acknowledged) {
        const auto r = cluster[2].get("/sessions/" + id);
        REQUIRE(r.status == 200);
        const auto s = Json::parse(r.body);
        CHECK(s["name"] == name);
        CHECK(s["conversation"].size() == every_content_variant().size());
    }
    std::set<std::string> unique;
    for (const auto& a : acknowledged) unique.insert(a.first);
    CHECK(unique.size() == acknowledged.size());  // no id was handed out twice across instances
}

TEST_CASE("postgres: a session runs one turn at a time across instances; a dead holder's lease expires") {
    Cluster cluster(Json::array({slow_text(2), scripted_text("second"), slow_text(3), scripted_text("taken over")}), 2,
                    {{"GAGGLE_TURN_LEASE_MS", "3000"}});
    const std::string id = new_session(cluster[0]);

    auto running = start_reply(cluster[0], id, "first");
    REQUIRE(running->status() == 200);
    REQUIRE(cluster.provider.wait_for_requests(1, std::chrono::seconds(10)));
    {
        auto refused = start_reply(cluster[1], id, "meanwhile");
        CHECK(refused->status() == 409);
        CHECK(refused->body_if_not_stream().find("another instance") != std::string::npos);
    }
    CHECK(streamed_text(data_events(running->rest())) == "..........");
    // The lease was given back with the turn's end: the other instance runs the next one.
    CHECK(streamed_text(reply_through(cluster[1], id, "now")) == "second");

    // The holder dies mid-turn: its lease blocks the session until it expires, not forever.
    auto doomed = start_reply(cluster[0], id, "third");
    REQUIRE(doomed->status() == 200);
    REQUIRE(cluster.provider.wait_for_requests(3, std::chrono::seconds(10)));
    cluster[0].stop(SIGKILL);
    CHECK(start_reply(cluster[1], id, "too soon")->status() == 409);
    std::this_thread::sleep_for(std::chrono::milliseconds(3300));
    CHECK(streamed_text(reply_through(cluster[1], id, "later")) == "taken over");
}

TEST_CASE("postgres: the scheduler on three instances fires each occurrence exactly once") {
    Json done{{"format", "openai"}, {"repeat", true}, {"chunks", Json::array({Json{{"text", "done"}}})},
              {"usage", {{"input_tokens", 1}, {"output_tokens", 1}}}};
    Cluster c(Json::array({done}), 3, {{"GAGGLE_SCHEDULER_REFRESH_MS", "200"}});
    const Json job{{"id", "shared"}, {"cron", "* * * * * *"},
                   {"recipe", {{"title", "Tick"}, {"description", "ticks"}, {"instructions", "Say done."}, {"prompt", "Go."}}}};
    REQUIRE(c[0].post_json("/schedule/create", job.dump()).status == 200);
    auto recorded = [&](ServerProcess& s) {
        std::set<std::string> ids;
        const auto r = s.get("/schedule/shared/sessions?limit=1000");
        REQUIRE(r.status == 200);
        const Json runs = Json::parse(r.body);
        for (const auto& run : runs) ids.insert(run["id"].get<std::string>());
        return ids;
    };
    auto eventually = [](auto&& ok, int seconds) {
        for (int i = 0; i < seconds * 10; ++i) {
            if (ok()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return ok();
    };
    REQUIRE(eventually([&] { return recorded(c[1]).size() >= 8; }, 60));
    // Paused between runs (400 while one runs somewhere).
    REQUIRE(eventually([&] { return c[2].post_json("/schedule/shared/pause", "").status == 204; }, 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(2000)); // a run started before the pause ends

    // Every scheduled session belongs to exactly one claimed occurrence, whichever instance ran it.
    const std::set<std::string> runs = recorded(c[0]);
    std::set<std::string> stamped;
    const auto r = c[1].get("/sessions");
    REQUIRE(r.status == 200);
    const Json listing = Json::parse(r.body);
    for (const auto& session : listing["sessions"])
        if (session["schedule_id"] == "shared") stamped.insert(session["id"].get<std::string>());
    CHECK(runs.size() >= 8);
    CHECK(stamped == runs);
}

TEST_CASE("postgres: a client on one instance streams a turn another runs, and resumes on a third") {
    Json chunks = Json::array();
    std::string expected;
    for (int i = 0; i < 12; ++i) {
        chunks.push_back({{"text", "w" + std::to_string(i) + " "}});
        expected += "w" + std::to_string(i) + " ";
    }
    Cluster cluster(Json::array({Json{{"format", "openai"}, {"chunks", chunks}, {"delay_ms", 150},
                                      {"usage", {{"input_tokens", 5}, {"output_tokens", 12}}}}}));
    const std::string id = new_session(cluster[0]);
    auto listen = [&](ServerProcess& s, std::optional<std::string> last_event_id) {
        std::map<std::string, std::string> headers{{"X-Secret-Key", s.secret()}};
        if (last_event_id) headers["Last-Event-ID"] = *last_event_id;
        auto c = std::make_unique<SseClient>(s.port(), "GET", "/sessions/" + id + "/events", "", headers);
        REQUIRE(c->status() == 200);
        auto hello = c->next();
        REQUIRE(hello);
        CHECK(hello->json()["type"] == "ActiveRequests");
        return c;
    };

    // Listening on the second instance; the turn runs on the first.
    auto on_second = listen(cluster[1], std::nullopt);
    const auto started = cluster[0].post_json(
        "/sessions/" + id + "/reply", Json{{"request_id", "cross-1"}, {"user_message", AgentHarness::user_message("count")}}.dump());
    REQUIRE(started.status == 200);
    std::vector<std::pair<std::string, Json>> got;  // id, event
    while (got.size() < 4) {
        auto e = on_second->next();
        REQUIRE(e);
        if (!e->id.empty()) got.emplace_back(e->id, e->json());
    }
    on_second->close();

    // The client moves to the third instance with the last id the second sent it.
    auto on_third = listen(cluster[2], got.back().first);
    while (got.back().second["type"] != "Finish") {
        auto e = on_third->next();
        REQUIRE(e);
        if (!e->id.empty()) got.emplace_back(e->id, e->json());
    }

    // One sequence, the first instance's ids, none lost or repeated across the move.
    const std::string epoch = got[0].first.substr(0, got[0].first.rfind('-'));
    std::string text;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const auto& [event_id, e] = got[i];
        INFO(event_id);
        CHECK(event_id == epoch + "-" + std::to_string(std::stoul(got[0].first.substr(epoch.size() + 1)) + i));
        CHECK(e["chat_request_id"] == "cross-1");
        if (e["type"] == "Message" && e["message"]["role"] == "assistant")
            text += e["message"]["content"][0]["text"].get<std::string>();
    }
    CHECK(text == expected);
}
