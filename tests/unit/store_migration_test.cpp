// Schema migrations: an older database is upgraded in place with its data; a newer one, or a
// file gaggle did not create, is refused with a clear message.
#include "store_test_support.hpp"

#include "common/error.hpp"
#include "store/migrations.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace gaggle;
using namespace gaggle::test;

namespace {

std::filesystem::path fixture(const char* name) {
#ifdef GAGGLE_TEST_FIXTURES_DIR
    return std::filesystem::path(GAGGLE_TEST_FIXTURES_DIR) / "store" / name;
#else
    // CMake compiles with absolute source paths: the fixtures sit beside tests/unit.
    return std::filesystem::path(__FILE__).parent_path().parent_path() / "fixtures" / "store" / name;
#endif
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    REQUIRE_MESSAGE(in.good(), "missing fixture " << p.string());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void create_from_sql(const std::filesystem::path& db, const std::string& sql) {
    std::filesystem::create_directories(db.parent_path());
    SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec(sql);
}

// Every schema object's SQL, to compare an upgraded file with a freshly created one.
std::vector<std::string> schema_of(const std::filesystem::path& db) {
    SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(raw, "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

int user_version(const std::filesystem::path& db) {
    SQLite::Database raw(db.string(), SQLite::OPEN_READONLY);
    return raw.execAndGet("PRAGMA user_version").getInt();
}

std::string open_error(const std::filesystem::path& db) {
    try {
        SqliteSessionStore::open({.path = db});
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("sqlite store: the migration list has an upgrade path") {
    CHECK(sqlite::latest_schema_version() >= 2);
}

TEST_CASE("sqlite store: a version 1 database is upgraded in place and keeps its data") {
    TempDir dir;
    create_from_sql(dir.db(), read_file(fixture("schema_v1.sql")));
    REQUIRE(user_version(dir.db()) == 1);

    FakeClock clock("2025-01-01T18:00:00Z");
    {
        auto store = SqliteSessionStore::open({.path = dir.db()}, clock.clock());

        const auto s = store->get_session("alice", "20250101_1");
        CHECK(s.name == "Photosynthesis");
        CHECK(s.user_set_name);
        CHECK(s.working_dir == "/home/alice");
        CHECK(s.extension_data == Json::parse(R"({"todo.v0":{"content":"- [ ] water plants"}})"));
        CHECK(s.tokens == TokenCounters{10, 20, 30, 100, 200, 300});
        CHECK(s.provider_name == "openai");
        CHECK(s.model_config == Json::parse(R"({"model_name":"gpt-4o","toolshim":false})"));
        CHECK(s.message_count == 3);
        CHECK(s.created_at_ms == 1735732800000);

        const auto build = store->get_session("alice", "20250102_1");
        CHECK(build.session_type == "scheduled");
        CHECK(build.schedule_id == "nightly");
        CHECK(build.user_recipe_values == Json::parse(R"({"branch":"main"})"));

        const auto messages = store->load_messages("alice", "20250101_1");
        REQUIRE(messages.size() == 3);
        CHECK(messages[0] ==
              R"({"id":"m1","role":"user","created":1735732800,"content":[{"type":"text","text":"Explain photosynthesis briefly"}],"metadata":{"userVisible":true,"agentVisible":true}})");
        CHECK(store->count_sessions("bob") == 1);

        // v2 indexed the old messages, text and tool calls alike.
        auto hits = store->search("alice", {.text = "photosynth"});
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].id == "20250101_1");
        hits = store->search("alice", {.text = "cargo"});
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].id == "20250102_1");
        CHECK(store->search("alice", {.text = "kubernetes"}).empty());   // bob's
        CHECK(store->search("alice", {.text = "chlorophyll"}).empty());  // not user-visible

        // v3 seeded the day counter from the existing ids.
        const auto fresh = store->create_session({.owner = "alice"});
        CHECK(fresh.id == "20250101_3");
        // Old sessions keep growing after the upgrade, in order.
        store->append_message("alice", "20250101_1", text_message("user", "and respiration?"));
        const auto grown = store->load_messages("alice", "20250101_1");
        REQUIRE(grown.size() == 4);
        CHECK(grown[0] == messages[0]);
        CHECK(Json::parse(grown[3])["content"][0]["text"] == "and respiration?");
        CHECK(store->search("alice", {.text = "respiration"}).size() == 1);

        SqliteKvStore kv(store->database());
        CHECK(kv.get("scheduler", "last_run") == "hello");
    }
    CHECK(user_version(dir.db()) == sqlite::latest_schema_version());

    // The upgraded file has exactly the schema of a fresh one.
    TempDir fresh;
    SqliteSessionStore::open({.path = fresh.db()});
    CHECK(schema_of(dir.db()) == schema_of(fresh.db()));
}

TEST_CASE("sqlite store: reopening an up-to-date database changes nothing") {
    TempDir dir;
    std::string id;
    {
        auto store = SqliteSessionStore::open({.path = dir.db()});
        id = store->create_session({.owner = "alice"}).id;
        store->append_message("alice", id, text_message("user", "persisted"));
    }
    const auto before = schema_of(dir.db());
    auto store = SqliteSessionStore::open({.path = dir.db()});
    CHECK(schema_of(dir.db()) == before);
    CHECK(store->load_messages("alice", id).size() == 1);
}

TEST_CASE("sqlite store: a database from a newer gaggle is refused, naming both versions") {
    TempDir dir;
    SqliteSessionStore::open({.path = dir.db()});
    const int newer = sqlite::latest_schema_version() + 4;
    {
        SQLite::Database raw(dir.db().string(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = " + std::to_string(newer));
    }
    const std::string message = open_error(dir.db());
    INFO(message);
    CHECK(message.find("schema version " + std::to_string(newer)) != std::string::npos);
    CHECK(message.find("version " + std::to_string(sqlite::latest_schema_version()) + ")") != std::string::npos);
    CHECK(message.find("newer") != std::string::npos);
    CHECK(user_version(dir.db()) == newer);  // left untouched
}

TEST_CASE("sqlite store: a database gaggle did not create is refused, not modified") {
    TempDir dir;
    create_from_sql(dir.db(), "CREATE TABLE schema_version (version INTEGER PRIMARY KEY); CREATE TABLE sessions (id TEXT);");
    const auto before = schema_of(dir.db());
    const std::string message = open_error(dir.db());
    INFO(message);
    CHECK(message.find("did not create") != std::string::npos);
    CHECK(schema_of(dir.db()) == before);
}

TEST_CASE("sqlite store: a failing migration leaves the database as it was") {
    TempDir dir;
    // A v1 file whose messages table lacks the columns v1 had: the v2 step fails mid-way.
    create_from_sql(dir.db(), read_file(fixture("schema_v1.sql")) +
                                  "DROP TABLE messages; CREATE TABLE messages (id INTEGER PRIMARY KEY);");
    const auto before = schema_of(dir.db());
    CHECK_FALSE(open_error(dir.db()).empty());
    CHECK(schema_of(dir.db()) == before);
    CHECK(user_version(dir.db()) == 1);
}

TEST_CASE("sqlite store: the database file is private to its owner") {
    TempDir dir;
    SqliteSessionStore::open({.path = dir.db()});
    const auto perms = std::filesystem::status(dir.db()).permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
          std::filesystem::perms::none);
}
