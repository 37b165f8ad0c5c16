// Crash safety: a process killed with SIGKILL in the middle of writes loses nothing it had
// acknowledged, and leaves a database that opens and passes PRAGMA integrity_check.
#include "session_fixtures.hpp"

#include "store/sqlite_session_store.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {

std::string integrity(const std::filesystem::path& db)
{
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet("PRAGMA integrity_check").getString();
}

} // namespace

TEST_CASE("SIGKILL of the server during a stream of writes loses no acknowledged session")
{
    TempDir root;
    std::vector<std::pair<std::string, std::string>> acknowledged; // id, name
    {
        ServerProcess::Options o;
        o.root = root.path();
        ServerProcess server(o);
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            for (int i = 0; !stop; ++i) {
                const std::string name = "crash-" + std::to_string(i);
                try {
                    auto r = json_request(server, "POST", "/sessions/import",
                                          import_body(export_document(every_content_variant(), name)));
                    if (r.status != 200) break;
                    acknowledged.emplace_back(Json::parse(r.body)["id"].get<std::string>(), name);
                } catch (const std::exception&) {
                    break; // the server is gone
                }
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        server.stop(SIGKILL);
        stop = true;
        writer.join();
    }
    REQUIRE(acknowledged.size() > 5);

    const auto db = root.path() / "data" / "sessions" / "sessions.db";
    CHECK(integrity(db) == "ok");

    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess restarted(o);
    for (const auto& [id, name] : acknowledged) {
        auto r = restarted.get("/sessions/" + id);
        REQUIRE(r.status == 200);
        auto s = Json::parse(r.body);
        CHECK(s["name"] == name);
        CHECK(s["conversation"].size() == every_content_variant().size());
    }
}

TEST_CASE("SIGKILL of a process appending messages loses no acknowledged message")
{
    TempDir root;
    const auto db = root.path() / "sessions.db";
    std::string session_id;
    {
        gaggle::sqlite::DatabaseOptions options;
        options.path = db;
        auto store = gaggle::SqliteSessionStore::open(options);
        gaggle::NewSession s;
        s.owner = "default";
        s.working_dir = "/tmp";
        session_id = store->create_session(s).id;
    }

    int acks[2];
    REQUIRE(pipe(acks) == 0);
    const pid_t child = fork();
    if (child == 0) {
        close(acks[0]);
        gaggle::sqlite::DatabaseOptions options;
        options.path = db;
        auto store = gaggle::SqliteSessionStore::open(options);
        for (int i = 0;; ++i) {
            Json m = Json::parse(every_content_variant()[static_cast<size_t>(i) % every_content_variant().size()]);
            m["id"] = "m" + std::to_string(i);
            store->append_message("default", session_id, m);
            // Acknowledge only after append_message returned: that is the durability promise.
            if (write(acks[1], &i, sizeof i) != sizeof i) _exit(1);
        }
    }
    close(acks[1]);
    int last = -1, value = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
    while (std::chrono::steady_clock::now() < deadline && read(acks[0], &value, sizeof value) == sizeof value) last = value;
    kill(child, SIGKILL);
    while (read(acks[0], &value, sizeof value) == sizeof value) last = value; // acks written before the kill
    close(acks[0]);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(last > 10);

    CHECK(integrity(db) == "ok");
    gaggle::sqlite::DatabaseOptions options;
    options.path = db;
    auto store = gaggle::SqliteSessionStore::open(options);
    const auto messages = store->load_messages("default", session_id);
    REQUIRE(messages.size() >= static_cast<size_t>(last + 1));
    for (int i = 0; i <= last; ++i) CHECK(Json::parse(messages[static_cast<size_t>(i)])["id"] == "m" + std::to_string(i));
}
