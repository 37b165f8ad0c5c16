// The PostgreSQL engine's own behaviour, beyond the engine-neutral "store: ..." tests: its
// schema versioning, the server going away and coming back, the pool never deadlocking, and
// text PostgreSQL cannot hold. Each test starts its own server where it stops or restarts it.
#include "store_test_support.hpp"

#include "common/error.hpp"
#include "store/pg_database.hpp"
#include "store/pg_event_log.hpp"
#include "store/pg_kv_store.hpp"
#include "store/pg_session_store.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace gaggle;
using namespace gaggle::test;

namespace {

template <class F>
std::pair<ErrorKind, std::string> error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {e.kind(), e.what()};
    }
    FAIL("expected an Error");
    return {ErrorKind::internal, ""};
}

std::string database_name(const std::string& url) { return url.substr(url.rfind('/') + 1); }

} // namespace

TEST_CASE("postgres store: a new database is migrated to the latest schema version, once") {
    auto& server = shared_pg_server();
    const std::string url = server.create_database();
    auto db = std::make_shared<pg::Database>(pg::DatabaseOptions{.url = url});
    CHECK(db->schema_version() == 6);
    // Several instances starting at once: the advisory lock makes them migrate one at a time.
    std::vector<std::thread> starters;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i)
        starters.emplace_back([&] {
            try {
                pg::Database again(pg::DatabaseOptions{.url = url});
            } catch (...) {
                ++failures;
            }
        });
    for (auto& t : starters) t.join();
    CHECK(failures == 0);
    CHECK(server.query_value("SELECT COUNT(*) FROM gaggle_schema", database_name(url)) == "1");
}

TEST_CASE("postgres store: a database from a newer gaggle is refused, naming both versions") {
    auto& server = shared_pg_server();
    const std::string url = server.create_database();
    { pg::Database db(pg::DatabaseOptions{.url = url}); }
    server.execute("UPDATE gaggle_schema SET version = 7", database_name(url));
    const auto [kind, message] = error_of([&] { pg::Database db(pg::DatabaseOptions{.url = url}); });
    CHECK(kind == ErrorKind::internal);
    CHECK(message.find("version 7") != std::string::npos);
    CHECK(message.find("version 6)") != std::string::npos);
}

TEST_CASE("postgres store: a database gaggle did not create is refused, not modified") {
    auto& server = shared_pg_server();
    const std::string url = server.create_database();
    server.execute("CREATE TABLE sessions (id text)", database_name(url));
    const auto [kind, message] = error_of([&] { pg::Database db(pg::DatabaseOptions{.url = url}); });
    CHECK(kind == ErrorKind::internal);
    CHECK(message.find("did not create") != std::string::npos);
    CHECK(server.query_value("SELECT to_regclass('gaggle_schema') IS NULL", database_name(url)) == "t");
}

TEST_CASE("postgres store: an unreachable server is 503 with libpq's reason, at once") {
    PgServer server;
    const std::string url = server.create_database();
    server.stop();
    const auto [kind, message] = error_of([&] { pg::Database db(pg::DatabaseOptions{.url = url}); });
    CHECK(kind == ErrorKind::unavailable);
    CHECK(message.find("the database is unavailable") != std::string::npos);
}

TEST_CASE("postgres store: a restart of the server is 503 while it is down, then reconnects, losing nothing") {
    PgServer server;
    const std::string url = server.create_database();
    auto stores = open_stores({.database_url = url, .pool_size = 3});
    const auto s = stores.sessions->create_session({.owner = "alice"});
    for (int i = 0; i < 5; ++i) stores.sessions->append_message("alice", s.id, text_message("user", "before"));

    server.stop();
    const auto [kind, message] = error_of([&] { stores.sessions->append_message("alice", s.id, text_message("user", "during")); });
    CHECK(kind == ErrorKind::unavailable);
    CHECK(error_of([&] { stores.sessions->get_session("alice", s.id); }).first == ErrorKind::unavailable);
    CHECK(error_of([&] { stores.kv->get("p", "k"); }).first == ErrorKind::unavailable);

    server.start();
    // The pooled connections died with the server: each is replaced on its next use.
    for (int i = 0; i < 5; ++i) stores.sessions->append_message("alice", s.id, text_message("user", "after"));
    const auto loaded = stores.sessions->load_session("alice", s.id);
    CHECK(loaded.info.message_count == 10);
    CHECK(loaded.conversation.size() == 10);
    stores.kv->put("p", "k", "v");
    CHECK(stores.kv->get("p", "k") == "v");
}

TEST_CASE("postgres store: a visitor calling the store needs no second connection") {
    auto& server = shared_pg_server();
    auto stores = open_stores({.database_url = server.create_database(), .pool_size = 1, .statement_timeout_ms = 2000});
    const auto s = stores.sessions->create_session({.owner = "alice"});
    for (int i = 0; i < 3; ++i) stores.sessions->append_message("alice", s.id, text_message("user", "m"));
    int visited = 0;
    stores.sessions->for_each_message("alice", s.id, [&](std::string_view, bool) {
        ++visited;
        CHECK(stores.sessions->get_session("alice", s.id).message_count == 3);
        stores.kv->put("p", "seen", std::to_string(visited));
    });
    CHECK(visited == 3);
    CHECK(stores.kv->get("p", "seen") == "3");
}

TEST_CASE("postgres store: a dry pool makes callers wait, not fail, and never deadlocks") {
    auto& server = shared_pg_server();
    auto stores = open_stores({.database_url = server.create_database(), .pool_size = 2});
    const auto s = stores.sessions->create_session({.owner = "alice"});
    constexpr int kThreads = 8, kAppends = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < kAppends; ++i) try {
                    stores.sessions->append_message("alice", s.id, text_message("user", "m"));
                    stores.sessions->list_sessions("alice", {});
                } catch (const std::exception&) {
                    ++failures;
                }
        });
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    CHECK(stores.sessions->get_session("alice", s.id).message_count == kThreads * kAppends);
}

TEST_CASE("postgres store: text PostgreSQL cannot hold is a 400 naming the problem, and nothing is written") {
    auto& server = shared_pg_server();
    auto stores = open_stores({.database_url = server.create_database()});
    const auto s = stores.sessions->create_session({.owner = "alice"});
    const auto [kind, message] = error_of([&] {
        stores.sessions->rename_session("alice", s.id, std::string("nul\0inside", 10));
    });
    CHECK(kind == ErrorKind::invalid_argument);
    CHECK(stores.sessions->get_session("alice", s.id).name == "New Chat");
    // Invalid UTF-8 in a message written by code is replaced, as on SQLite, not refused.
    Json m = text_message("user", "x");
    m["content"][0]["text"] = std::string("bad \xff byte searchable");
    stores.sessions->append_message("alice", s.id, m);
    CHECK(stores.sessions->search("alice", {.text = "searchable"}).size() == 1);
    CHECK(stores.sessions->search("alice", {.text = "\xff\xfe"}).empty());
}

TEST_CASE("postgres store: deferred turn steps reach the disk with the next sync") {
    auto& server = shared_pg_server();
    auto db = std::make_shared<pg::Database>(pg::DatabaseOptions{.url = server.create_database()});
    PgSessionStore store(db);
    const auto s = store.create_session({.owner = "alice"});
    const std::vector<Json> one{text_message("assistant", "step")};
    const auto before = db->stats();
    store.apply_turn_step("alice", s.id, {.messages = one, .durable = false});
    store.apply_turn_step("alice", s.id, {.messages = one, .durable = false});
    CHECK(db->stats().syncs == before.syncs);  // synchronous_commit = off: no flush waited for
    store.sync();
    CHECK(db->stats().syncs == before.syncs + 1);
    CHECK(store.get_session("alice", s.id).message_count == 2);
}

namespace {

// What a PgEventLog delivered, for a test to wait on.
struct Delivered {
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<SharedEvent> events;

    std::function<void(const SharedEvent&)> sink() {
        return [this](const SharedEvent& e) {
            std::lock_guard lock(mutex);
            events.push_back(e);
            arrived.notify_all();
        };
    }
    // Waits (generously: a loaded CI machine) for n events; returns what arrived.
    std::vector<SharedEvent> wait_for(std::size_t n) {
        std::unique_lock lock(mutex);
        arrived.wait_for(lock, std::chrono::seconds(30), [&] { return events.size() >= n; });
        return events;
    }
};

} // namespace

TEST_CASE("postgres event log: instances get each other's events in order, resume from any id, and survive a restart") {
    PgServer server;
    const std::string url = server.create_database();
    auto db = std::make_shared<pg::Database>(pg::DatabaseOptions{.url = url, .pool_size = 2});
    PgEventLog a(db, "1000xaaaa"), b(db, "1000xbbbb");
    Delivered to_a, to_b;
    a.start(to_a.sink());
    b.start(to_b.sink());

    a.append("s1", "ep-1", R"({"n":1})");
    a.append("s1", "ep-2", R"({"n":2,"quote":"\"{},"})");
    a.append("s2", "ep-3", R"({"n":3})");
    auto got = to_b.wait_for(3);
    REQUIRE(got.size() == 3);
    CHECK(got[0].session_id == "s1");
    CHECK(got[0].event_id == "ep-1");
    CHECK(got[1].json == R"({"n":2,"quote":"\"{},"})");
    CHECK(got[2].session_id == "s2");
    a.flush();
    CHECK(to_a.events.empty());  // an instance does not hear its own events back

    // A client that saw ep-1 anywhere resumes after it; an id the log never held, or one of
    // another session, is not a position.
    const auto rest = b.after("s1", "ep-1");
    REQUIRE(rest.has_value());
    REQUIRE(rest->size() == 1);
    CHECK(rest->at(0).event_id == "ep-2");
    CHECK_FALSE(b.after("s1", "nope").has_value());
    CHECK_FALSE(b.after("s2", "ep-1").has_value());

    // The database restarts: the listener reconnects and catches up from where it was.
    server.stop();
    server.start();
    a.append("s1", "ep-4", R"({"n":4})");
    a.flush();
    got = to_b.wait_for(4);
    REQUIRE(got.size() == 4);
    CHECK(got[3].event_id == "ep-4");
    b.stop();
    a.stop();
    CHECK(to_a.events.empty());
}
