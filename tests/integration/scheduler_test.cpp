// The scheduler feature plugin through the real server: /schedule/* routes with upstream shapes
// and codes, jobs firing every second that run a recipe against the scripted provider, run_now,
// kill, pause, a host killed mid-run, two hosts sharing one store, and the plugin disabled.
// No assertion on time: tests wait (bounded) for what must happen.
#include "agent_harness.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include <csignal>

using namespace gaggle::test;
using gaggle::Json;

namespace {

Json text_reply(const std::string& text)
{
    return Json{{"format", "openai"}, {"repeat", true}, {"chunks", Json::array({Json{{"text", text}}})},
                {"usage", {{"input_tokens", 5}, {"output_tokens", 5}}}};
}

// A reply that stalls long enough for the test to act while the run is in progress.
Json stalled_reply()
{
    return Json{{"format", "openai"}, {"chunks", Json::array({Json{{"text", "thinking"}}, Json{{"stall_ms", 60000}}, Json{{"text", "late"}}})}};
}

Json recipe(const std::string& instructions)
{
    return Json{{"title", "Report"}, {"description", "writes a report"}, {"instructions", instructions}, {"prompt", "Go."}};
}

Json create_body(const std::string& id, const std::string& cron, const std::string& instructions = "Write the daily report.")
{
    return Json{{"id", id}, {"cron", cron}, {"recipe", recipe(instructions)}};
}

HttpResult send(const ServerProcess& s, const std::string& method, const std::string& path, const std::string& body = "")
{
    return s.request(method, path, body, {{"Content-Type", "application/json"}});
}

Json body_of(const HttpResult& r)
{
    Json j = Json::parse(r.body, nullptr, false);
    return j.is_discarded() ? Json() : j;
}

std::string message_of(const HttpResult& r)
{
    const Json j = body_of(r);
    return j.is_object() && j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : "";
}

Json schedule_sessions(const ServerProcess& s, const std::string& id)
{
    auto r = s.get("/schedule/" + id + "/sessions?limit=1000");
    REQUIRE(r.status == 200);
    return body_of(r);
}

Json job_of(const ServerProcess& s, const std::string& id)
{
    const Json listing = body_of(s.get("/schedule/list")); // kept: the loop must not range over a temporary's member
    for (auto& job : listing["jobs"])
        if (job["id"] == id) return job;
    return Json();
}

// Polls `done` every 100 ms for up to `limit`; the bound only stops a broken build from hanging.
template <class F>
bool eventually(F&& done, std::chrono::seconds limit = std::chrono::seconds(40))
{
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
}

bool not_running(const ServerProcess& s, const std::string& id)
{
    const Json job = job_of(s, id);
    return job.is_object() && job["currently_running"] == false;
}

} // namespace

TEST_CASE("schedule routes: create, list, update, pause, inspect, delete with upstream shapes and codes")
{
    AgentHarness h(Json::array({text_reply("ok")}));
    auto& s = h.server();

    auto created = send(s, "POST", "/schedule/create", create_body("daily report", "0 9 1 1 *").dump());
    REQUIRE(created.status == 200);
    Json job = body_of(created);
    CHECK(job["id"] == "daily report");
    CHECK(job["cron"] == "0 9 1 1 *");
    CHECK(job["paused"] == false);
    CHECK(job["currently_running"] == false);
    CHECK(job["last_run"].is_null());
    CHECK(job["source"].get<std::string>().find("daily report") != std::string::npos);

    auto duplicate = send(s, "POST", "/schedule/create", create_body("daily report", "@daily").dump());
    CHECK(duplicate.status == 409);
    CHECK(message_of(duplicate).find("already exists") != std::string::npos);

    // Bad input: a clear 4xx naming the field, never a 500.
    auto bad_cron = send(s, "POST", "/schedule/create", create_body("b", "61 * * * *").dump());
    CHECK(bad_cron.status == 400);
    CHECK(message_of(bad_cron).find("cron") != std::string::npos);
    CHECK(send(s, "POST", "/schedule/create", create_body("b", "0 0 30 2 *").dump()).status == 400); // never fires
    CHECK(message_of(send(s, "POST", "/schedule/create", create_body("a/b", "@daily").dump())).find("`id`") != std::string::npos);
    CHECK(send(s, "POST", "/schedule/create", Json{{"id", "b"}, {"cron", "@daily"}}.dump()).status == 400);
    CHECK(message_of(send(s, "POST", "/schedule/create", Json{{"id", "b"}, {"cron", "@daily"}, {"recipe", {{"title", "t"}}}}.dump()))
              .find("instructions") != std::string::npos);
    CHECK(send(s, "POST", "/schedule/create", Json{{"id", 5}, {"cron", "@daily"}, {"recipe", recipe("x")}}.dump()).status == 400);
    CHECK(send(s, "POST", "/schedule/create", "{not json").status == 400);
    CHECK(send(s, "POST", "/schedule/create", "[1,2]").status == 400);
    CHECK(send(s, "POST", "/schedule/create", std::string(5000, '[') + std::string(5000, ']')).status == 400);

    auto jobs = body_of(s.get("/schedule/list"))["jobs"];
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0]["id"] == "daily report");

    const std::string path = "/schedule/daily%20report";
    CHECK(send(s, "PUT", path, R"({"cron":"nonsense"})").status == 400);
    CHECK(send(s, "PUT", path, R"({"cron":7})").status == 400);
    CHECK(send(s, "PUT", "/schedule/nobody", R"({"cron":"@daily"})").status == 404);
    auto updated = send(s, "PUT", path, R"({"cron":"0 30 2 * * *"})");
    REQUIRE(updated.status == 200);
    CHECK(body_of(updated)["cron"] == "0 30 2 * * *");

    CHECK(send(s, "POST", path + "/pause").status == 204);
    CHECK(job_of(s, "daily report")["paused"] == true);
    CHECK(send(s, "POST", path + "/unpause").status == 204);
    CHECK(job_of(s, "daily report")["paused"] == false);
    CHECK(send(s, "POST", "/schedule/nobody/pause").status == 404);
    CHECK(send(s, "POST", "/schedule/nobody/unpause").status == 404);

    auto inspect = s.get(path + "/inspect");
    REQUIRE(inspect.status == 200);
    CHECK(body_of(inspect)["sessionId"].is_null());
    CHECK(body_of(inspect)["runningDurationSeconds"].is_null());
    CHECK(s.get("/schedule/nobody/inspect").status == 404);
    CHECK(send(s, "POST", path + "/kill").status == 400); // nothing runs
    CHECK(send(s, "POST", "/schedule/nobody/kill").status == 404);
    CHECK(send(s, "POST", "/schedule/nobody/run_now").status == 404);

    CHECK(s.get(path + "/sessions?limit=abc").status == 400);
    CHECK(s.get(path + "/sessions?limit=0").status == 400);
    CHECK(body_of(s.get(path + "/sessions?limit=5")) == Json::array());

    CHECK(send(s, "DELETE", "/schedule/delete/daily%20report").status == 204);
    CHECK(send(s, "DELETE", "/schedule/delete/daily%20report").status == 404);
    CHECK(body_of(s.get("/schedule/list"))["jobs"] == Json::array());
}

TEST_CASE("a job firing every second runs its recipe in scheduled sessions stamped with its id; pause stops it")
{
    AgentHarness h(Json::array({text_reply("report written")}));
    auto& s = h.server();
    REQUIRE(send(s, "POST", "/schedule/create", create_body("every-second", "* * * * * *", "Write the hourly report.").dump()).status == 200);

    REQUIRE(eventually([&] { return schedule_sessions(s, "every-second").size() >= 3; }));

    // Each run is a "scheduled" session stamped with the job, whose turn carried the recipe.
    const Json runs = schedule_sessions(s, "every-second");
    std::set<std::string> ids;
    for (auto& r : runs) {
        ids.insert(r["id"].get<std::string>());
        CHECK(r["scheduleId"] == "every-second");
        CHECK(r["name"] == "Scheduled job: every-second");
    }
    CHECK(ids.size() == runs.size());
    const std::string first = runs.back()["id"];
    REQUIRE(eventually([&] { return h.session(first)["message_count"].get<int>() >= 2; }));
    const Json session = h.session(first);
    CHECK(session["session_type"] == "scheduled");
    CHECK(session["schedule_id"] == "every-second");
    bool recipe_reached_model = false;
    for (auto& rq : h.provider().requests())
        if (rq.body.find("Write the hourly report.") != std::string::npos) recipe_reached_model = true;
    CHECK(recipe_reached_model);
    CHECK_FALSE(job_of(s, "every-second")["last_run"].is_null());

    // Paused: once the run in progress (if any) ends, no new run starts.
    REQUIRE(eventually([&] { return send(s, "POST", "/schedule/every-second/pause").status == 204; }));
    REQUIRE(eventually([&] { return not_running(s, "every-second"); }));
    const size_t paused_at = schedule_sessions(s, "every-second").size();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500)); // more than two occurrences
    CHECK(schedule_sessions(s, "every-second").size() == paused_at);

    CHECK(send(s, "POST", "/schedule/every-second/unpause").status == 204);
    CHECK(eventually([&] { return schedule_sessions(s, "every-second").size() > paused_at; }));
    CHECK(send(s, "DELETE", "/schedule/delete/every-second").status == 204);
}

TEST_CASE("run_now runs at once; while it runs, run_now, pause and update are refused and kill cancels it")
{
    AgentHarness h(Json::array({stalled_reply(), text_reply("done")}));
    auto& s = h.server();
    REQUIRE(send(s, "POST", "/schedule/create", create_body("manual", "0 0 1 1 *").dump()).status == 200);

    auto first = std::async(std::launch::async, [&] { return send(s, "POST", "/schedule/manual/run_now"); });
    Json inspect;
    REQUIRE(eventually([&] {
        inspect = body_of(s.get("/schedule/manual/inspect"));
        return inspect.is_object() && inspect["sessionId"].is_string();
    }));
    CHECK(inspect["processStartTime"].is_string());
    CHECK(inspect["runningDurationSeconds"].is_number_integer());
    CHECK(job_of(s, "manual")["currently_running"] == true);
    CHECK(job_of(s, "manual")["current_session_id"] == inspect["sessionId"]);

    auto again = send(s, "POST", "/schedule/manual/run_now");
    CHECK(again.status == 400);
    CHECK(message_of(again).find("already running") != std::string::npos);
    CHECK(send(s, "POST", "/schedule/manual/pause").status == 400);
    CHECK(send(s, "PUT", "/schedule/manual", R"({"cron":"@daily"})").status == 400);

    auto killed = send(s, "POST", "/schedule/manual/kill");
    CHECK(killed.status == 200);
    CHECK(message_of(killed).find("killed") != std::string::npos);
    auto first_answer = first.get();
    REQUIRE(first_answer.status == 200);
    CHECK(body_of(first_answer)["session_id"] == "CANCELLED");

    // Not wedged: the next run_now runs and answers its session.
    auto second = send(s, "POST", "/schedule/manual/run_now");
    REQUIRE(second.status == 200);
    const std::string session_id = body_of(second)["session_id"];
    CHECK(session_id != "CANCELLED");
    CHECK(h.session(session_id)["schedule_id"] == "manual");
    const Json runs = schedule_sessions(s, "manual");
    REQUIRE(runs.size() == 2);
    CHECK(runs[0]["id"] == session_id); // newest first
    CHECK(runs[1]["id"] == inspect["sessionId"]);
}

TEST_CASE("a host killed mid-run leaves the job runnable: the next host runs it again")
{
    TempDir root;
    gaggle::testing::ScriptedProvider provider(Json::array({stalled_reply(), text_reply("done")}));
    provider.start();
    auto env = [&] {
        return std::map<std::string, std::string>{{"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "gpt-4o"},
                                                  {"OPENAI_HOST", provider.base_url()}, {"OPENAI_API_KEY", "sk-test"},
                                                  {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}};
    };
    ServerProcess::Options o;
    o.env = env();
    o.root = root.path();
    std::string stuck_session;
    {
        ServerProcess first(o);
        REQUIRE(send(first, "POST", "/schedule/create", create_body("survivor", "* * * * * *").dump()).status == 200);
        REQUIRE(eventually([&] {
            const Json i = body_of(first.get("/schedule/survivor/inspect"));
            if (i.is_object() && i["sessionId"].is_string()) stuck_session = i["sessionId"];
            return !stuck_session.empty();
        }));
        REQUIRE(provider.wait_for_requests(1, std::chrono::seconds(20)));
        first.stop(SIGKILL);
    }
    ServerProcess second(o);
    // The stalled run's record still says "running", but its heartbeat stopped: once stale it
    // blocks nothing, and new occurrences run.
    REQUIRE(eventually([&] {
        for (auto& r : schedule_sessions(second, "survivor"))
            if (r["id"] != stuck_session && r["messageCount"].get<int>() >= 2) return true;
        return false;
    }));
    CHECK(send(second, "POST", "/schedule/survivor/pause").status != 404);
}

TEST_CASE("two hosts on one store see each other's runs: list, inspect, run_now, pause and kill act on a run elsewhere")
{
    TempDir root;
    gaggle::testing::ScriptedProvider provider(Json::array({stalled_reply(), stalled_reply(), text_reply("done")}));
    provider.start();
    ServerProcess::Options o;
    o.env = {{"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "gpt-4o"}, {"OPENAI_HOST", provider.base_url()},
             {"OPENAI_API_KEY", "sk-test"}, {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}, {"GAGGLE_SCHEDULER_REFRESH_MS", "200"}};
    o.root = root.path();
    auto a = std::make_unique<ServerProcess>(o);
    ServerProcess b(o);
    REQUIRE(send(*a, "POST", "/schedule/create", create_body("remote", "0 0 1 1 *").dump()).status == 200);

    // A runs it; B sees the run, with A's session.
    auto first = std::async(std::launch::async, [&] { return send(*a, "POST", "/schedule/remote/run_now"); });
    Json seen;
    REQUIRE(eventually([&] {
        seen = job_of(b, "remote");
        return seen.is_object() && seen["currently_running"] == true && seen["current_session_id"].is_string();
    }));
    const Json inspect = body_of(b.get("/schedule/remote/inspect"));
    CHECK(inspect["sessionId"] == seen["current_session_id"]);
    CHECK(inspect["processStartTime"].is_string());
    CHECK(body_of(a->get("/schedule/remote/inspect"))["sessionId"] == inspect["sessionId"]);
    // B refuses what it would refuse for a run of its own.
    auto again = send(b, "POST", "/schedule/remote/run_now");
    CHECK(again.status == 400);
    CHECK(message_of(again).find("already running") != std::string::npos);
    CHECK(send(b, "POST", "/schedule/remote/pause").status == 400);
    CHECK(send(b, "PUT", "/schedule/remote", R"({"cron":"@daily"})").status == 400);
    // B's kill reaches A's run through the store (once the run is in its model call, so the
    // stalled answer it was meant to get is used up).
    REQUIRE(provider.wait_for_requests(1, std::chrono::seconds(20)));
    CHECK(send(b, "POST", "/schedule/remote/kill").status == 200);
    auto first_answer = first.get();
    REQUIRE(first_answer.status == 200);
    CHECK(body_of(first_answer)["session_id"] == "CANCELLED");
    REQUIRE(eventually([&] { return not_running(b, "remote"); }));
    CHECK(send(b, "POST", "/schedule/remote/kill").status == 400); // nothing runs anywhere now

    // A dies mid-run: B sees the run until A's heartbeat goes stale, then runs the job itself.
    auto dying = std::async(std::launch::async, [&] { return send(*a, "POST", "/schedule/remote/run_now"); });
    REQUIRE(eventually([&] { return job_of(b, "remote")["currently_running"] == true; }));
    REQUIRE(provider.wait_for_requests(2, std::chrono::seconds(20)));
    a->stop(SIGKILL);
    dying.wait();
    REQUIRE(eventually([&] { return not_running(b, "remote"); }));
    auto mine = send(b, "POST", "/schedule/remote/run_now");
    REQUIRE(mine.status == 200);
    CHECK(body_of(mine)["session_id"].is_string());
    CHECK(body_of(mine)["session_id"] != "CANCELLED");
}

TEST_CASE("two hosts on one store run each occurrence exactly once")
{
    TempDir root;
    gaggle::testing::ScriptedProvider provider(Json::array({text_reply("done")}));
    provider.start();
    ServerProcess::Options o;
    o.env = {{"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "gpt-4o"}, {"OPENAI_HOST", provider.base_url()},
             {"OPENAI_API_KEY", "sk-test"}, {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}, {"GAGGLE_SCHEDULER_REFRESH_MS", "200"}};
    o.root = root.path();
    ServerProcess a(o), b(o);
    REQUIRE(send(a, "POST", "/schedule/create", create_body("shared", "* * * * * *").dump()).status == 200);
    // Both hosts know the job (b picks it up from the store).
    REQUIRE(eventually([&] { return job_of(b, "shared").is_object(); }));
    constexpr size_t occurrences = 12;
    REQUIRE(eventually([&] { return schedule_sessions(a, "shared").size() >= occurrences; }, std::chrono::seconds(60)));
    // A job is paused between runs (400 while one runs); at one run a second on a loaded machine
    // the first tries may all land in a run.
    REQUIRE(eventually([&] { return send(a, "POST", "/schedule/shared/pause").status == 204; }));
    REQUIRE(eventually([&] { return not_running(a, "shared") && not_running(b, "shared"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // b sees the pause; a run it started ends

    // Every scheduled session of the job belongs to exactly one claimed occurrence: had both
    // hosts run an occurrence, there would be more sessions than run records.
    std::set<std::string> recorded;
    for (auto& r : schedule_sessions(a, "shared")) recorded.insert(r["id"].get<std::string>());
    std::set<std::string> stamped;
    const Json all_sessions = body_of(a.get("/sessions"));
    for (auto& session : all_sessions["sessions"])
        if (session["schedule_id"] == "shared") stamped.insert(session["id"].get<std::string>());
    CHECK(recorded.size() >= occurrences);
    CHECK(stamped == recorded);
}

TEST_CASE("a library recipe scheduled with /recipes/schedule runs as a scheduler job that follows its cron, text and removal")
{
    AgentHarness h(Json::array({text_reply("digest written")}));
    auto& s = h.server();
    const Json digest{{"title", "Nightly digest"}, {"description", "digests"}, {"instructions", "Summarise yesterday."}, {"prompt", "Go."}};
    auto saved = send(s, "POST", "/recipes/save", Json{{"recipe", digest}}.dump());
    REQUIRE(saved.status == 200);
    const std::string recipe_id = body_of(saved)["id"];
    const std::string stem = std::filesystem::path(body_of(saved)["file_path"].get<std::string>()).stem().string();

    // A job already holds the file's name: the recipe's job takes the next free one.
    REQUIRE(send(s, "POST", "/schedule/create", create_body(stem, "0 0 1 1 *").dump()).status == 200);
    auto scheduled = send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}, {"cron_schedule", "0 0 3 * * *"}}.dump());
    REQUIRE(scheduled.status == 200);
    const std::string job_id = body_of(scheduled)["id"];
    CHECK(job_id == stem + "_2");
    CHECK(job_of(s, job_id)["cron"] == "0 0 3 * * *");
    CHECK(job_of(s, stem)["cron"] == "0 0 1 1 *"); // the other job is untouched

    // Bad crons: the shape check, then the scheduler's own (a date that never comes); neither is stored.
    CHECK(send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}, {"cron_schedule", "every night"}}.dump()).status == 400);
    auto never = send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}, {"cron_schedule", "0 0 30 2 *"}}.dump());
    CHECK(never.status == 400);
    CHECK(message_of(never).find("never fires") != std::string::npos);
    CHECK(job_of(s, job_id)["cron"] == "0 0 3 * * *");

    // Saved again, the job runs the new text; a new cron moves the same job.
    Json edited = digest;
    edited["instructions"] = "Summarise the release notes.";
    REQUIRE(send(s, "POST", "/recipes/save", Json{{"recipe", edited}, {"id", recipe_id}}.dump()).status == 200);
    auto every_second = send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}, {"cron_schedule", "* * * * * *"}}.dump());
    REQUIRE(every_second.status == 200);
    CHECK(body_of(every_second)["id"] == job_id);
    REQUIRE(eventually([&] { return !schedule_sessions(s, job_id).empty(); }));
    REQUIRE(eventually([&] {
        for (auto& rq : h.provider().requests())
            if (rq.body.find("Summarise the release notes.") != std::string::npos) return true;
        return false;
    }));
    for (auto& rq : h.provider().requests()) CHECK(rq.body.find("Summarise yesterday.") == std::string::npos);
    const Json listed = body_of(s.get("/recipes/list"));
    for (auto& m : listed["manifests"])
        if (m["id"] == recipe_id) CHECK(m["schedule_cron"] == "* * * * * *");

    // Unscheduled: the job goes (even mid-run), the manifest forgets the cron.
    REQUIRE(send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}}.dump()).status == 200);
    CHECK(job_of(s, job_id).is_null());
    const Json unbound = body_of(s.get("/recipes/list"));
    for (auto& m : unbound["manifests"])
        if (m["id"] == recipe_id) CHECK(m["schedule_cron"].is_null());

    // Scheduled again, then the recipe deleted: its job goes with it.
    REQUIRE(send(s, "POST", "/recipes/schedule", Json{{"id", recipe_id}, {"cron_schedule", "@daily"}}.dump()).status == 200);
    CHECK_FALSE(job_of(s, job_id).is_null());
    REQUIRE(send(s, "POST", "/recipes/delete", Json{{"id", recipe_id}}.dump()).status == 204);
    CHECK(job_of(s, job_id).is_null());
    CHECK_FALSE(job_of(s, stem).is_null());
}

TEST_CASE("disabling the scheduler plugin removes its routes")
{
    ServerProcess::Options o;
    o.env = {{"GAGGLE_DISABLED_PLUGINS", "scheduler"}};
    ServerProcess s(o);
    CHECK(send(s, "POST", "/schedule/create", create_body("x", "@daily").dump()).status == 404);
    CHECK(s.get("/schedule/list").status == 404);
    CHECK(s.get("/status").status == 200);

    // A library recipe's cron is still stored, and the answer says nothing will fire it.
    auto saved = send(s, "POST", "/recipes/save", Json{{"recipe", recipe("Digest.")}}.dump());
    REQUIRE(saved.status == 200);
    auto stored = send(s, "POST", "/recipes/schedule", Json{{"id", body_of(saved)["id"]}, {"cron_schedule", "@daily"}}.dump());
    CHECK(stored.status == 202);
    CHECK(message_of(stored).find("no scheduler plugin is running") != std::string::npos);
    CHECK(send(s, "POST", "/recipes/schedule", Json{{"id", body_of(saved)["id"]}}.dump()).status == 200);
}

TEST_CASE("an occurrence missed while no host ran is skipped, or run once when configured so")
{
    TempDir root;
    gaggle::testing::ScriptedProvider provider(Json::array({text_reply("done")}));
    provider.start();
    ServerProcess::Options o;
    o.env = {{"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "gpt-4o"}, {"OPENAI_HOST", provider.base_url()},
             {"OPENAI_API_KEY", "sk-test"}, {"GAGGLE_SCHEDULER_TIMEZONE", "UTC"}};
    o.root = root.path();
    // A yearly cron whose one occurrence comes a few seconds after the host has gone.
    const auto at = std::chrono::system_clock::now() + std::chrono::seconds(6);
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm utc{};
    gmtime_r(&t, &utc);
    const std::string cron = std::to_string(utc.tm_sec) + " " + std::to_string(utc.tm_min) + " " + std::to_string(utc.tm_hour) + " " +
                             std::to_string(utc.tm_mday) + " " + std::to_string(utc.tm_mon + 1) + " *";
    {
        ServerProcess first(o);
        REQUIRE(send(first, "POST", "/schedule/create", create_body("missed", cron).dump()).status == 200);
        first.stop(SIGTERM);
    }
    std::this_thread::sleep_until(at + std::chrono::seconds(1));
    {
        ServerProcess skipping(o); // the default policy: skip
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        CHECK(schedule_sessions(skipping, "missed").empty());
        skipping.stop(SIGTERM);
    }
    o.env["GAGGLE_SCHEDULER_MISSED_OCCURRENCES"] = "run_once";
    ServerProcess catching_up(o);
    REQUIRE(eventually([&] { return schedule_sessions(catching_up, "missed").size() == 1; }));
    REQUIRE(eventually([&] { return not_running(catching_up, "missed"); }));
    CHECK(schedule_sessions(catching_up, "missed").size() == 1);
}

TEST_CASE("an unattended run never waits for an approval: the tool is denied and the session says so")
{
    const Json write_call{{"format", "openai"},
                          {"chunks", Json::array({{{"tool_call", {{"index", 0}, {"id", "w1"}, {"name", "todo__todo_write"}, {"arguments", R"({"content":"- a"})"}}}}})}};
    AgentHarness h(Json::array({write_call, text_reply("could not write the list")}), {{"GOOSE_MODE", "approve"}});
    auto& s = h.server();
    REQUIRE(send(s, "POST", "/schedule/create", create_body("unattended", "0 0 1 1 *").dump()).status == 200);
    auto run = std::async(std::launch::async, [&] { return send(s, "POST", "/schedule/unattended/run_now"); });
    REQUIRE(run.wait_for(std::chrono::seconds(40)) == std::future_status::ready); // no one approves: it must end anyway
    auto answer = run.get();
    REQUIRE(answer.status == 200);
    const Json session = h.session(body_of(answer)["session_id"]);
    std::string tool_text;
    for (auto& m : session["conversation"])
        for (auto& c : m["content"])
            if (c["type"] == "toolResponse") tool_text += c.dump();
    CHECK(tool_text.find("denied") != std::string::npos);
    CHECK(h.provider().requests().size() == 2); // the model heard the denial and answered
}
