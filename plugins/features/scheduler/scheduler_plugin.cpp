// The scheduler feature plugin: goosed's /schedule/* routes over jobs kept in the host's key-value
// store, fired by the Scheduler through the host's timer and agent services. Handlers validate,
// change the store, then tell the Scheduler to re-read the job.
#include "cron_expression.hpp"
#include "job_store.hpp"
#include "scheduler.hpp"

#include <gaggle/cpp/json_depth.hpp>
#include <gaggle/cpp/plugin.hpp>

#include <absl/time/clock.h>
#include <absl/time/time.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace gaggle::scheduler {
namespace {

sdk::Response error_response(int status, const std::string& message)
{
    return sdk::Response::json(Json{{"message", message}}.dump(), status);
}

// A client's mistake, answered with `status` and {"message"}.
struct ClientError {
    int status;
    std::string message;
};

Json parse_body(std::string_view body)
{
    if (sdk::json_nests_deeper_than(body)) throw ClientError{400, "request body nests deeper than " + std::to_string(sdk::max_json_depth) + " levels"};
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) throw ClientError{400, "request body is not valid JSON"};
    if (!j.is_object()) throw ClientError{400, "request body must be a JSON object"};
    return j;
}

std::string required_string(const Json& body, const char* field)
{
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) throw ClientError{400, std::string("`") + field + "` is required"};
    if (!it->is_string()) throw ClientError{400, std::string("`") + field + "` must be a string"};
    return it->get<std::string>();
}

// Upstream's rule for job ids: letters, digits, spaces, '-' and '_'.
void check_job_id(const std::string& id)
{
    if (id.empty() || id.size() > 128) throw ClientError{400, "`id` must be 1 to 128 characters"};
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_'))
            throw ClientError{400, "`id` may hold only letters, digits, spaces, '-' and '_'"};
}

// A job id from the path. One that breaks the id rule cannot name a job: 404, without echoing
// it (it may not even be UTF-8, which a JSON message could not carry).
std::string path_job_id(const sdk::Request& request)
{
    std::string id(request.param("id"));
    try {
        check_job_id(id);
    } catch (const ClientError&) {
        throw ClientError{404, "no schedule with that id (ids hold only letters, digits, spaces, '-' and '_')"};
    }
    return id;
}

void check_cron(const std::string& cron, const Settings& settings)
{
    try {
        const auto parsed = CronExpression::parse(cron);
        if (!parsed.next_after(absl::Now(), settings.zone)) throw ClientError{400, "`cron` '" + cron + "' never fires"};
    } catch (const CronError& e) {
        throw ClientError{400, std::string("`cron`: ") + e.what()};
    }
}

void check_recipe(const Json& body)
{
    auto it = body.find("recipe");
    if (it == body.end() || it->is_null()) throw ClientError{400, "`recipe` is required"};
    if (!it->is_object()) throw ClientError{400, "`recipe` must be a recipe object"};
    auto text = [&](const char* field) {
        auto f = it->find(field);
        return f != it->end() && f->is_string() && !f->get<std::string>().empty();
    };
    if (!text("instructions") && !text("prompt"))
        throw ClientError{400, "`recipe` needs `instructions` or `prompt` text to run"};
}

std::optional<std::string> rfc3339(std::optional<int64_t> ms)
{
    if (!ms || *ms <= 0) return std::nullopt;
    return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMillis(*ms), absl::UTCTimeZone());
}

Json nullable(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

int64_t run_started(const Run& run)
{
    return run.record.value("started_ms", run.record.value("claimed_ms", run.occurrence_ms));
}

Settings read_settings(const sdk::Host& host, std::string_view config_json)
{
    Json config = Json::parse(config_json, nullptr, false);
    if (!config.is_object()) config = Json::object();
    auto text = [&](const char* key, const char* env_key) -> std::string {
        if (auto it = config.find(key); it != config.end() && it->is_string()) return it->get<std::string>();
        return host.config(env_key).value_or("");
    };
    Settings s;
    s.zone = load_time_zone(text("timezone", "GAGGLE_SCHEDULER_TIMEZONE"));
    const std::string missed = text("missed_occurrences", "GAGGLE_SCHEDULER_MISSED_OCCURRENCES");
    if (missed == "run_once") s.missed = MissedPolicy::run_once;
    else if (!missed.empty() && missed != "skip")
        throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "missed_occurrences must be 'skip' or 'run_once', not '" + missed + "'");
    const std::string refresh = text("refresh_ms", "GAGGLE_SCHEDULER_REFRESH_MS");
    if (auto it = config.find("refresh_ms"); it != config.end() && it->is_number_integer()) s.refresh_ms = it->get<int64_t>();
    else if (!refresh.empty()) {
        try {
            s.refresh_ms = std::stoll(refresh);
        } catch (const std::exception&) {
            throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "refresh_ms must be a number of milliseconds, not '" + refresh + "'");
        }
    }
    if (s.refresh_ms < 100) s.refresh_ms = 100;
    s.working_dir = text("working_dir", "GAGGLE_SCHEDULER_WORKING_DIR");
    return s;
}

class SchedulerPlugin : public sdk::Plugin, public sdk::Feature {
public:
    SchedulerPlugin(sdk::Host host, std::string_view config_json)
        : Plugin(host), store_(host), scheduler_(host, store_, read_settings(host, config_json))
    {
    }

    void start() override { scheduler_.start(); }
    void stop() noexcept override { scheduler_.stop(); }

    std::vector<sdk::Route> routes() override
    {
        return {{"POST", "/schedule/create"},        {"GET", "/schedule/list"},
                {"DELETE", "/schedule/delete/{id}"}, {"PUT", "/schedule/{id}"},
                {"GET", "/schedule/{id}/inspect"},   {"POST", "/schedule/{id}/kill"},
                {"POST", "/schedule/{id}/pause"},    {"POST", "/schedule/{id}/unpause"},
                {"POST", "/schedule/{id}/run_now"},  {"GET", "/schedule/{id}/sessions"}};
    }

    sdk::Response handle(size_t route, const sdk::Request& request) override
    {
        try {
            switch (route) {
            case 0: return create(request);
            case 1: return list();
            case 2: return remove(path_job_id(request));
            case 3: return update(path_job_id(request), request);
            case 4: return inspect(path_job_id(request));
            case 5: return kill(path_job_id(request));
            case 6: return set_paused(path_job_id(request), true);
            case 7: return set_paused(path_job_id(request), false);
            case 8: return run_now(path_job_id(request));
            case 9: return sessions(path_job_id(request), request.query);
            default: return error_response(404, "no such schedule route");
            }
        } catch (const ClientError& e) {
            return error_response(e.status, e.message);
        }
    }

private:
    Job existing(const std::string& id) const
    {
        auto job = store_.get(id);
        if (!job) throw ClientError{404, "no scheduled job '" + id + "'"};
        return *job;
    }

    // Where the job's recipe is copied, as upstream keeps scheduled_recipes/<id>.<ext>.
    std::string source_path(const std::string& id) const
    {
        try {
            return (std::filesystem::path(host().data_dir()) / "scheduled_recipes" / (id + ".json")).string();
        } catch (const std::exception&) {
            return "scheduled_recipes/" + id + ".json";
        }
    }

    void write_source(const Job& job) const
    {
        std::error_code ec;
        const std::filesystem::path path = source_path(job.id);
        std::filesystem::create_directories(path.parent_path(), ec);
        std::ofstream out(path, std::ios::trunc);
        out << job.recipe.dump(2) << '\n';
        if (!out) host().warn("scheduler: could not write the recipe copy " + path.string());
    }

    Json job_json(const Job& job) const
    {
        std::optional<int64_t> last_run;
        if (auto run = store_.last_run(job.id)) last_run = run_started(*run);
        const auto running = scheduler_.running(job.id);
        return Json{{"id", job.id},
                    {"source", source_path(job.id)},
                    {"cron", job.cron},
                    {"last_run", nullable(rfc3339(last_run))},
                    {"currently_running", running.has_value()},
                    {"paused", job.paused},
                    {"current_session_id", running && !running->session_id.empty() ? Json(running->session_id) : Json(nullptr)},
                    {"process_start_time", running ? nullable(rfc3339(running->started_ms)) : Json(nullptr)}};
    }

    sdk::Response create(const sdk::Request& request)
    {
        const Json body = parse_body(request.body);
        Job job;
        job.id = required_string(body, "id");
        check_job_id(job.id);
        job.cron = required_string(body, "cron");
        check_cron(job.cron, scheduler_.settings());
        check_recipe(body);
        job.recipe = body.at("recipe");
        job.created_ms = absl::ToUnixMillis(absl::Now());
        if (!store_.create(job)) throw ClientError{409, "a scheduled job with id '" + job.id + "' already exists"};
        write_source(job);
        scheduler_.sync_job(job.id);
        return sdk::Response::json(job_json(job).dump());
    }

    sdk::Response list() const
    {
        Json jobs = Json::array();
        for (const auto& job : store_.list()) jobs.push_back(job_json(job));
        return sdk::Response::json(Json{{"jobs", jobs}}.dump());
    }

    sdk::Response remove(const std::string& id)
    {
        std::lock_guard lock(edits_);
        if (!store_.remove(id)) throw ClientError{404, "no scheduled job '" + id + "'"};
        scheduler_.kill(id);
        scheduler_.sync_job(id);
        std::error_code ec;
        std::filesystem::remove(source_path(id), ec);
        return sdk::Response{204, {}, {}};
    }

    sdk::Response update(const std::string& id, const sdk::Request& request)
    {
        const Json body = parse_body(request.body);
        const std::string cron = required_string(body, "cron");
        check_cron(cron, scheduler_.settings());
        // Beyond upstream: a `recipe` replaces the job's copy (the host sends it when a
        // scheduled library recipe is saved again).
        const bool new_recipe = body.contains("recipe") && !body["recipe"].is_null();
        if (new_recipe) check_recipe(body);
        std::lock_guard lock(edits_);
        Job job = existing(id);
        job.cron = cron;
        if (new_recipe) job.recipe = body["recipe"];
        if (!scheduler_.change_if_idle(id, [&] { store_.put(job); }))
            throw ClientError{400, "job '" + id + "' is running; update it when the run has ended"};
        if (new_recipe) write_source(job);
        scheduler_.sync_job(id);
        return sdk::Response::json(job_json(job).dump());
    }

    sdk::Response inspect(const std::string& id) const
    {
        existing(id);
        const auto running = scheduler_.running(id);
        if (!running) return sdk::Response::json(Json{{"sessionId", nullptr}, {"processStartTime", nullptr}, {"runningDurationSeconds", nullptr}}.dump());
        const int64_t now = absl::ToUnixMillis(absl::Now());
        return sdk::Response::json(Json{{"sessionId", running->session_id.empty() ? Json(nullptr) : Json(running->session_id)},
                                        {"processStartTime", nullable(rfc3339(running->started_ms))},
                                        {"runningDurationSeconds", std::max<int64_t>(0, (now - running->started_ms) / 1000)}}
                                       .dump());
    }

    sdk::Response kill(const std::string& id)
    {
        existing(id);
        if (!scheduler_.kill(id)) throw ClientError{400, "job '" + id + "' is not running"};
        return sdk::Response::json(Json{{"message", "Successfully killed running job '" + id + "'"}}.dump());
    }

    sdk::Response set_paused(const std::string& id, bool paused)
    {
        std::lock_guard lock(edits_);
        Job job = existing(id);
        job.paused = paused;
        if (!paused) store_.put(job);
        else if (!scheduler_.change_if_idle(id, [&] { store_.put(job); }))
            throw ClientError{400, "job '" + id + "' is running; pause it when the run has ended"};
        scheduler_.sync_job(id);
        return sdk::Response{204, {}, {}};
    }

    sdk::Response run_now(const std::string& id)
    {
        const Job job = existing(id);
        if (scheduler_.running(id)) throw ClientError{400, "job '" + id + "' is already running"};
        RunOutcome outcome;
        try {
            outcome = scheduler_.run_now(job);
        } catch (const sdk::Error& e) {
            if (e.code() == GAGGLE_ERR_INVALID_ARGUMENT) throw ClientError{400, e.what()};
            throw;
        }
        // Upstream answers a run killed while it ran with the literal session id "CANCELLED".
        return sdk::Response::json(Json{{"session_id", outcome.status == "cancelled" ? std::string("CANCELLED") : outcome.session_id}}.dump());
    }

    sdk::Response sessions(const std::string& id, std::string_view query) const
    {
        size_t limit = 50;
        for (size_t start = 0; start <= query.size();) {
            const size_t amp = std::min(query.find('&', start), query.size());
            const std::string_view pair = query.substr(start, amp - start);
            if (pair.substr(0, 6) == "limit=") {
                const std::string_view v = pair.substr(6);
                if (v.empty() || v.size() > 6) throw ClientError{400, "`limit` must be a positive integer below 1000000"};
                size_t n = 0;
                for (char c : v) {
                    if (!std::isdigit(static_cast<unsigned char>(c))) throw ClientError{400, "`limit` must be a positive integer"};
                    n = n * 10 + static_cast<size_t>(c - '0');
                }
                if (n == 0) throw ClientError{400, "`limit` must be a positive integer"};
                limit = n;
            }
            start = amp + 1;
        }
        std::error_code ec;
        const std::string cwd = std::filesystem::current_path(ec).string();
        Json out = Json::array();
        const auto runs = store_.runs(id);
        for (auto it = runs.rbegin(); it != runs.rend() && out.size() < limit; ++it) {
            const Json& r = it->record;
            if (!r.contains("session_id") || !r["session_id"].is_string()) continue;
            const std::string dir = r.value("working_dir", std::string());
            out.push_back(Json{{"id", r["session_id"]},
                               {"name", r.value("session_name", "Scheduled job: " + id)},
                               {"createdAt", nullable(rfc3339(run_started(*it)))},
                               {"workingDir", dir.empty() ? cwd : dir},
                               {"scheduleId", id},
                               {"messageCount", r.value("message_count", 1)},
                               {"totalTokens", nullptr},
                               {"inputTokens", nullptr},
                               {"outputTokens", nullptr},
                               {"accumulatedTotalTokens", nullptr},
                               {"accumulatedInputTokens", nullptr},
                               {"accumulatedOutputTokens", nullptr}});
        }
        return sdk::Response::json(out.dump());
    }

    JobStore store_;
    Scheduler scheduler_;
    std::mutex edits_; // serialises read-modify-write of one process's job edits
};

} // namespace
} // namespace gaggle::scheduler

GAGGLE_PLUGIN(gaggle::scheduler::SchedulerPlugin, "scheduler", "Scheduler", "1.0.0",
              "Runs recipes on cron schedules: goosed's /schedule/* routes")
