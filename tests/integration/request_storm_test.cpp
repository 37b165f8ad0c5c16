// A storm of malformed requests over every route the server documents: the server stays up, never
// answers 5xx, and every 4xx carries {"message": ...}. bench/storm_bench runs 10,000 of the same.
#include "session_fixtures.hpp"
#include "storm/request_storm.hpp"

#include "../support/pg_server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace gaggle::test;
using gaggle::Json;

namespace {

void storm_every_route(ServerProcess& server)
{
    auto started = json_request(server, "POST", "/agent/start", Json{{"working_dir", server.root().string()}}.dump());
    REQUIRE(started.status == 200);
    const std::string session = Json::parse(started.body)["id"].get<std::string>();
    auto doc = server.get("/openapi.json");
    REQUIRE(doc.status == 200);
    const auto routes = gaggle::storm::routes_of(nlohmann::json::parse(doc.body));
    REQUIRE(routes.size() > 10);

    std::vector<gaggle::storm::Shot> shots;
    for (const auto& route : routes) {
        for (auto& s : gaggle::storm::shots_for(route, server.secret(), session, false)) shots.push_back(std::move(s));
        // The same with an unknown id, so handlers run past their lookups too.
        if (route.path.find('{') != std::string::npos)
            for (auto& s : gaggle::storm::shots_for(route, server.secret(), "20990101_1", false)) shots.push_back(std::move(s));
    }
    // 20 MB bodies: to the routes that accept 50 MB and to one that refuses them up front.
    for (const auto& route : routes)
        if (route.method == "POST" && (route.path == "/reply" || route.path == "/sessions/{session_id}/reply" || route.path == "/sessions"))
            for (auto& s : gaggle::storm::shots_for(route, server.secret(), session, true))
                if (s.label.find("20 MB") != std::string::npos) shots.push_back(std::move(s));

    std::atomic<size_t> next{0};
    std::mutex mutex;
    std::vector<std::string> failures;
    size_t answered = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (size_t i; (i = next++) < shots.size();) {
                const auto outcome = gaggle::storm::fire(server.port(), shots[i]);
                std::lock_guard lock(mutex);
                if (outcome.status != 0) ++answered;
                if (outcome.status == 0 || outcome.status >= 500 || (outcome.status >= 400 && !outcome.json_message))
                    failures.push_back(shots[i].label + " -> " + std::to_string(outcome.status));
            }
        });
    for (auto& t : threads) t.join();

    INFO("shots: " << shots.size() << ", answered: " << answered);
    for (size_t i = 0; i < failures.size() && i < 30; ++i) MESSAGE(failures[i]); // INFO would end with the loop body
    CHECK(failures.empty());
    REQUIRE(server.alive());
    CHECK(server.get("/status").status == 200);
}

} // namespace

TEST_CASE("a storm of malformed requests on every route: no crash, no 5xx, every 4xx says why")
{
    ServerProcess server;
    storm_every_route(server);
}

TEST_CASE("the same storm on a server whose sessions live in PostgreSQL")
{
    // Ids, names and search text PostgreSQL treats differently from SQLite (NUL, invalid UTF-8)
    // must still be 4xx, never 500.
    PgServer database;
    ServerProcess::Options o;
    o.env = {{"GAGGLE_DATABASE_URL", database.create_database()}};
    ServerProcess server(o);
    storm_every_route(server);
}
