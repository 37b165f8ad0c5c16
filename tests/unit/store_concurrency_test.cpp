// Many threads on one store (and two stores on one file, as two processes would be): no
// duplicate ids, no lost appends, and never a "database is locked" reaching the caller.
#include "store_test_support.hpp"

#include "common/error.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <thread>

using namespace gaggle;
using namespace gaggle::test;

namespace {

// Collects failures from worker threads; doctest assertions are not for other threads.
struct Failures {
    std::mutex mutex;
    std::vector<std::string> messages;
    void add(const std::string& m) {
        std::lock_guard lock(mutex);
        messages.push_back(m);
    }
};

template <class F>
void guarded(Failures& failures, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        failures.add(e.what());
    }
}

} // namespace

TEST_CASE("store: concurrent creates, renames, appends and deletes") {
    StoreFixture f;
    const auto shared = f.create("alice", "shared");
    constexpr int kThreads = 8, kRounds = 30;
    Failures failures;
    std::vector<std::vector<std::string>> created(kThreads), deleted(kThreads);

    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string owner = t % 2 ? "bob" : "alice";
            for (int r = 0; r < kRounds; ++r) {
                guarded(failures, [&] {
                    const auto s = f.create(owner);
                    created[t].push_back(s.id);
                    const std::vector<Json> two{text_message("user", "q " + s.id), text_message("assistant", "a " + s.id)};
                    f.store->append_messages(owner, s.id, two);
                    f.store->append_message("alice", shared.id,
                                            text_message("user", "t" + std::to_string(t) + "r" + std::to_string(r)));
                    f.store->rename_session(owner, s.id, "renamed " + s.id);
                    f.store->list_sessions(owner, {.limit = 20});
                    f.store->search(owner, {.text = "renamed q"});
                    if (r % 4 == 3) {
                        f.store->delete_session(owner, s.id);
                        deleted[t].push_back(s.id);
                    }
                });
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures.messages.empty());
    for (const auto& m : failures.messages) MESSAGE(m);

    std::set<std::string> ids{shared.id};
    std::size_t total = 1;
    for (const auto& v : created) {
        ids.insert(v.begin(), v.end());
        total += v.size();
    }
    CHECK(ids.size() == total);
    CHECK(total == 1 + kThreads * kRounds);

    // Every append to the shared session landed exactly once.
    const auto messages = f.store->load_messages("alice", shared.id);
    CHECK(messages.size() == kThreads * kRounds);
    CHECK(f.store->get_session("alice", shared.id).message_count == kThreads * kRounds);
    std::set<std::string> texts;
    for (const auto& m : messages) texts.insert(Json::parse(m)["content"][0]["text"].get<std::string>());
    CHECK(texts.size() == kThreads * kRounds);

    for (int t = 0; t < kThreads; ++t) {
        const std::string owner = t % 2 ? "bob" : "alice";
        const std::set<std::string> gone(deleted[t].begin(), deleted[t].end());
        for (const auto& id : created[t]) {
            if (gone.count(id)) {
                CHECK_THROWS_AS(f.store->get_session(owner, id), Error);
                continue;
            }
            const auto s = f.store->get_session(owner, id);
            CHECK(s.message_count == 2);
            CHECK(s.name == "renamed " + id);
            CHECK(f.store->load_messages(owner, id).size() == 2);
        }
    }
    std::size_t deleted_count = 0;
    for (const auto& v : deleted) deleted_count += v.size();
    CHECK(deleted_count > 0);
    CHECK(f.store->count_sessions("alice") + f.store->count_sessions("bob") ==
          static_cast<std::int64_t>(total - deleted_count));
}

TEST_CASE("store: two stores on one database (as two processes) never surface a lock") {
    StoreFixture f;
    auto a = f.open_again().sessions;
    auto b = f.open_again().sessions;
    const std::string id = a->create_session({.owner = "alice"}).id;
    constexpr int kThreads = 6, kAppends = 40;
    Failures failures;
    std::vector<std::thread> threads;
    std::vector<std::vector<std::string>> created(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            SessionStore& store = t % 2 ? *a : *b;
            for (int i = 0; i < kAppends; ++i)
                guarded(failures, [&] {
                    store.append_message("alice", id, text_message("user", "m"));
                    if (i % 8 == 0) created[t].push_back(store.create_session({.owner = "alice"}).id);
                });
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures.messages.empty());
    for (const auto& m : failures.messages) MESSAGE(m);
    CHECK(a->get_session("alice", id).message_count == kThreads * kAppends);
    CHECK(b->load_messages("alice", id).size() == kThreads * kAppends);
    std::set<std::string> ids{id};
    for (const auto& v : created) ids.insert(v.begin(), v.end());
    CHECK(ids.size() == 1 + kThreads * (kAppends / 8));
}

TEST_CASE("sqlite store: a write waits for another process's transaction instead of failing") {
    StoreFixture f;
    const auto s = f.create();
    SQLite::Database other(f.dir.db().string(), SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO plugin_kv (plugin_id, key, value) VALUES ('p', 'k', x'00')");

    std::string error;
    std::thread writer([&] {
        try {
            f.store->append_message("alice", s.id, text_message("user", "after the lock"));
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    // Reads are not blocked by the other writer (WAL).
    CHECK(f.store->get_session("alice", s.id).message_count == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    other.exec("COMMIT");
    writer.join();
    CHECK(error.empty());
    CHECK(f.store->get_session("alice", s.id).message_count == 1);
}

TEST_CASE("sqlite store: a lock held past the retry limit is reported as unavailable, not as SQLite's error") {
    StoreFixture f({.busy_timeout_ms = 20, .give_up_after = std::chrono::milliseconds(150)});
    const auto s = f.create();
    SQLite::Database other(f.dir.db().string(), SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO plugin_kv (plugin_id, key, value) VALUES ('p', 'k', x'00')");
    try {
        f.store->append_message("alice", s.id, text_message("user", "x"));
        FAIL("append should have given up");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
        CHECK(std::string(e.what()).find("database is locked") == std::string::npos);
    }
    other.exec("ROLLBACK");
    CHECK(f.store->append_message("alice", s.id, text_message("user", "x")) == 1);
}
