#pragma once
// Helpers shared by the store_*.cpp tests: a temporary directory, a settable clock and a
// store opened in it.
#include "store/sqlite_kv_store.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/timestamps.hpp"

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

struct StoreFixture {
    TempDir dir;
    FakeClock clock;
    std::shared_ptr<sqlite::Database> db;
    std::unique_ptr<SqliteSessionStore> store;

    explicit StoreFixture(sqlite::DatabaseOptions options = {}) {
        options.path = dir.db();
        db = std::make_shared<sqlite::Database>(options);
        store = std::make_unique<SqliteSessionStore>(db, clock.clock());
    }

    SessionInfo create(const std::string& owner = "alice", const std::string& name = "New Chat") {
        NewSession s;
        s.owner = owner;
        s.working_dir = "/home/" + owner;
        s.name = name;
        return store->create_session(s);
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
