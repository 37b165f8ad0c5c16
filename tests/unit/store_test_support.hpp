#pragma once
// Helpers shared by the store_*.cpp tests: a temporary directory, a settable clock and a store
// opened in it, on the engine under test. The store tests named "store: ..." are
// engine-neutral: ctest runs them on SQLite (the default) and again on PostgreSQL with
// GAGGLE_TEST_STORE_ENGINE=postgres, against a real server these helpers start. Tests named
// "sqlite store: ..." or "postgres store: ..." are about one engine's internals.
#include "store/sqlite_kv_store.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/store_engine.hpp"
#include "store/timestamps.hpp"

#include "../support/pg_server.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace gaggle::test {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "gaggle-store-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path db() const { return path_ / "sessions" / "sessions.db"; }

private:
    std::filesystem::path path_;
};

// A clock tests move by hand; each read advances it 1 ms so successive writes stay ordered.
struct FakeClock {
    std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
    explicit FakeClock(const char* rfc3339 = "2026-02-12T10:00:00Z") { set(rfc3339); }
    void set(const char* rfc3339) { ms->store(*parse_rfc3339(rfc3339)); }
    StoreClock clock() const {
        return [ms = ms] { return ms->fetch_add(1); };
    }
};

inline bool testing_postgres() {
    const char* engine = std::getenv("GAGGLE_TEST_STORE_ENGINE");
    return engine && std::string(engine) == "postgres";
}

// One server for the whole test run, started on first use and stopped at exit.
inline PgServer& shared_pg_server() {
    static PgServer server;
    return server;
}

struct StoreFixture {
    TempDir dir;
    FakeClock clock;
    std::string url;                       // the PostgreSQL database's, when testing PostgreSQL
    std::shared_ptr<sqlite::Database> db;  // SQLite only: its internals, for "sqlite store" tests
    std::unique_ptr<SessionStore> store;
    std::unique_ptr<KvStore> kv;

    explicit StoreFixture(sqlite::DatabaseOptions options = {}) {
        if (testing_postgres()) {
            url = shared_pg_server().create_database();
            auto stores = open_again(clock.clock());
            store = std::move(stores.sessions);
            kv = std::move(stores.kv);
            return;
        }
        options.path = dir.db();
        db = std::make_shared<sqlite::Database>(options);
        store = std::make_unique<SqliteSessionStore>(db, clock.clock());
        kv = std::make_unique<SqliteKvStore>(db);
    }

    // Another store on the same database, as a second process or instance opens it.
    Stores open_again(StoreClock other_clock = {}) const {
        return open_stores({.database_url = url, .sqlite_path = dir.db()}, std::move(other_clock));
    }

    SessionInfo create(const std::string& owner = "alice", const std::string& name = "New Chat") {
        NewSession s;
        s.owner = owner;
        s.working_dir = "/home/" + owner;
        s.name = name;
        return store->create_session(s);
    }

    // Rows of a table, read past the store (to see what it left behind).
    std::int64_t count_rows(const std::string& table) {
        if (testing_postgres())
            return std::stoll(shared_pg_server().query_value("SELECT COUNT(*) FROM " + table, url.substr(url.rfind('/') + 1)));
        return db->read([&](sqlite::Connection& c) {
            return c.db().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
        });
    }
};

inline Json text_message(const std::string& role, const std::string& text, std::int64_t created = 1770890400,
                         bool user_visible = true) {
    return Json::parse(R"({"id":null,"role":")" + role + R"(","created":)" + std::to_string(created) +
                       R"(,"content":[{"type":"text","text":)" + Json(text).dump() +
                       R"(}],"metadata":{"userVisible":)" + (user_visible ? "true" : "false") +
                       R"(,"agentVisible":true}})");
}

} // namespace gaggle::test
