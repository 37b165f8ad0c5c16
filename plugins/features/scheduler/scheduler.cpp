#include "scheduler.hpp"

#include <gaggle/cpp/json_depth.hpp>

#include <absl/time/clock.h>

#include <algorithm>
#include <set>
#include <thread>

#include <unistd.h>

namespace gaggle::scheduler {

struct Scheduler::JobTimer {
    Scheduler* owner;
    std::string job_id, cron_text;
    CronExpression cron;
    int64_t next_ms = 0;     // the occurrence the armed timer fires for
    gaggle_timer_id id = 0;
    bool armed = false;
};

struct Scheduler::ActiveRun {
    std::string job_id;
    int64_t occurrence_ms = 0;
    std::string session_id;
    int64_t started_ms = 0;
    gaggle_agent_turn* turn = nullptr; // set while the turn runs
    bool kill_requested = false;
    // The run record, written by the run's thread and by beat(): record_mu orders the writes, so a
    // heartbeat never puts back a record older than the run's last word.
    std::mutex record_mu;
    Json record;
    bool claimed = false;  // the record exists in the store
    bool finished = false; // its final status is written: no more heartbeats
};

namespace {

std::string process_label()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
    return std::string(name) + ":" + std::to_string(::getpid());
}

// Counts the distinct messages a turn streams (for the run record's message count).
struct TurnWatcher {
    std::set<std::string> message_ids;
    static void GAGGLE_ABI on_event(void* ctx, gaggle_str event) noexcept
    {
        try {
            const std::string_view text = sdk::view(event);
            if (sdk::json_nests_deeper_than(text)) return;
            const Json e = Json::parse(text, nullptr, false);
            if (!e.is_object() || e.value("type", "") != "Message") return;
            const auto& m = e["message"];
            if (m.is_object() && m.contains("id") && m["id"].is_string())
                static_cast<TurnWatcher*>(ctx)->message_ids.insert(m["id"].get<std::string>());
        } catch (...) {
        }
    }
};

} // namespace

Scheduler::Scheduler(sdk::Host host, JobStore& store, Settings settings)
    : host_(host), store_(store), settings_(std::move(settings)),
      timers_(host.service<gaggle_host_timer_v1>(GAGGLE_HOST_TIMER_V1)),
      agent_(host.service<gaggle_host_agent_v1>(GAGGLE_HOST_AGENT_V1)), host_label_(process_label())
{
    if (!timers_ || !agent_)
        throw sdk::Error(GAGGLE_ERR_UNSUPPORTED, "the scheduler needs the host's gaggle.host.timer/1 and gaggle.host.agent/1");
}

Scheduler::~Scheduler() { stop(); }

gaggle_timer_id Scheduler::schedule_timer(int64_t delay_ms, int64_t interval_ms, gaggle_timer_fn fn, void* ctx)
{
    gaggle_timer_id id = 0;
    gaggle_error err = sdk::make_error();
    const gaggle_status st = timers_->schedule(host_.raw(), static_cast<uint64_t>(std::max<int64_t>(0, delay_ms)),
                                               static_cast<uint64_t>(interval_ms), fn, ctx, &id, &err);
    if (st != GAGGLE_OK) throw sdk::Error(st, err.message);
    return id;
}

void Scheduler::start()
{
    for (const auto& job : store_.list()) {
        if (job.paused) continue;
        if (settings_.missed == MissedPolicy::run_once) run_missed(job);
        std::lock_guard lock(mu_);
        arm(job, timers_->now_ms(host_.raw()));
    }
    refresh_timer_ = schedule_timer(settings_.refresh_ms, settings_.refresh_ms, &on_refresh_timer, this);
}

void Scheduler::stop() noexcept
{
    std::vector<gaggle_timer_id> to_cancel;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        stopping_ = true;
        for (auto& [id, timer] : armed_) {
            timer->armed = false;
            if (timer->id) to_cancel.push_back(timer->id);
            retired_.push_back(std::move(timer));
        }
        armed_.clear();
        for (auto& [id, run] : active_)
            if (run->turn) agent_->cancel(run->turn);
    }
    if (refresh_timer_) timers_->cancel(host_.raw(), refresh_timer_);
    for (auto id : to_cancel) timers_->cancel(host_.raw(), id);
    std::unique_lock lock(mu_);
    runs_done_.wait(lock, [&] { return threads_ == 0; });
}

void Scheduler::arm(const Job& job, int64_t after_ms)
{
    try {
        auto timer = std::make_unique<JobTimer>(JobTimer{this, job.id, job.cron, CronExpression::parse(job.cron)});
        const auto next = timer->cron.next_after(absl::FromUnixMillis(after_ms), settings_.zone);
        if (!next) {
            host_.warn("scheduler: job '" + job.id + "' (" + job.cron + ") has no next occurrence; not armed");
            return;
        }
        timer->next_ms = absl::ToUnixMillis(*next);
        timer->id = schedule_timer(timer->next_ms - timers_->now_ms(host_.raw()), 0, &on_job_timer, timer.get());
        timer->armed = true;
        armed_[job.id] = std::move(timer);
    } catch (const std::exception& e) {
        host_.error("scheduler: cannot arm job '" + job.id + "': " + e.what());
    }
}

void Scheduler::disarm(const std::string& id)
{
    gaggle_timer_id timer_id = 0;
    {
        std::lock_guard lock(mu_);
        auto it = armed_.find(id);
        if (it == armed_.end()) return;
        it->second->armed = false;
        timer_id = it->second->id;
        retired_.push_back(std::move(it->second));
        armed_.erase(it);
    }
    // Outside the lock: cancel waits for a running callback, which may be waiting for the lock.
    if (timer_id) timers_->cancel(host_.raw(), timer_id);
}

void Scheduler::sync_job(const std::string& id)
{
    const auto job = store_.get(id);
    const bool wanted = job && !job->paused;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        auto it = armed_.find(id);
        if (it != armed_.end() && wanted && it->second->cron_text == job->cron) return; // unchanged
    }
    disarm(id);
    if (!wanted) return;
    std::lock_guard lock(mu_);
    if (!stopping_ && !armed_.count(id)) arm(*job, timers_->now_ms(host_.raw()));
}

void GAGGLE_ABI Scheduler::on_job_timer(void* ctx, gaggle_timer_id) noexcept
{
    auto* timer = static_cast<JobTimer*>(ctx);
    try {
        timer->owner->fire(timer);
    } catch (const std::exception& e) {
        timer->owner->host_.error(std::string("scheduler: firing failed: ") + e.what());
    }
}

void GAGGLE_ABI Scheduler::on_refresh_timer(void* ctx, gaggle_timer_id) noexcept
{
    auto* self = static_cast<Scheduler*>(ctx);
    try {
        self->refresh();
    } catch (const std::exception& e) {
        self->host_.warn(std::string("scheduler: refreshing jobs failed: ") + e.what());
    }
}

void Scheduler::fire(JobTimer* timer)
{
    int64_t occurrence = 0;
    {
        std::lock_guard lock(mu_);
        if (!timer->armed || stopping_) return;
        occurrence = timer->next_ms;
        // Re-arm first, for the first occurrence after both this one and now: a late timer skips
        // what it missed instead of firing a burst.
        const int64_t now = timers_->now_ms(host_.raw());
        const auto next = timer->cron.next_after(absl::FromUnixMillis(std::max(occurrence, now)), settings_.zone);
        timer->id = 0;
        timer->armed = false;
        if (next) {
            timer->next_ms = absl::ToUnixMillis(*next);
            timer->id = schedule_timer(timer->next_ms - now, 0, &on_job_timer, timer);
            timer->armed = true;
        }
    }
    if (auto job = store_.get(timer->job_id)) spawn_run(std::move(*job), occurrence);
}

void Scheduler::refresh()
{
    beat();
    std::set<std::string> ids;
    for (const auto& job : store_.list()) ids.insert(job.id);
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        for (const auto& [id, timer] : armed_) ids.insert(id);
    }
    for (const auto& id : ids) sync_job(id);
}

void Scheduler::run_missed(const Job& job)
{
    try {
        const int64_t last = store_.last_occurrence(job.id).value_or(job.created_ms);
        const auto missed = CronExpression::parse(job.cron).next_after(absl::FromUnixMillis(last), settings_.zone);
        if (missed && absl::ToUnixMillis(*missed) < timers_->now_ms(host_.raw())) {
            host_.info("scheduler: job '" + job.id + "' missed an occurrence while the host was down; running it once");
            spawn_run(job, absl::ToUnixMillis(*missed));
        }
    } catch (const std::exception& e) {
        host_.warn("scheduler: job '" + job.id + "': " + e.what());
    }
}

void Scheduler::spawn_run(Job job, int64_t occurrence_ms)
{
    std::lock_guard lock(mu_);
    if (stopping_) return;
    ++threads_;
    std::thread([this, job = std::move(job), occurrence_ms] {
        try {
            run_occurrence(job, occurrence_ms, false);
        } catch (const std::exception& e) {
            host_.error("scheduler: job '" + job.id + "' run failed: " + e.what());
        }
        std::lock_guard done(mu_);
        --threads_;
        runs_done_.notify_all();
    }).detach();
}

RunOutcome Scheduler::run_now(const Job& job)
{
    {
        std::lock_guard lock(mu_);
        if (stopping_) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, "the scheduler is stopping");
        ++threads_;
    }
    struct Done {
        Scheduler* s;
        ~Done()
        {
            std::lock_guard lock(s->mu_);
            --s->threads_;
            s->runs_done_.notify_all();
        }
    } done{this};
    // A manual run is its own occurrence: claimed under the current instant.
    auto outcome = run_occurrence(job, timers_->now_ms(host_.raw()), true);
    if (!outcome) throw sdk::Error(GAGGLE_ERR_UNAVAILABLE, "job '" + job.id + "' could not start (another run claimed it)");
    return *outcome;
}

std::optional<RunOutcome> Scheduler::run_occurrence(const Job& requested, int64_t occurrence_ms, bool manual)
{
    Job job = requested;
    std::unique_lock starting(start_mu_);
    if (!manual) {
        // Another process may have paused, changed or deleted the job since the timer was armed.
        auto fresh = store_.get(job.id);
        if (!fresh || fresh->paused) return std::nullopt;
        job = std::move(*fresh);
    }
    auto run = std::make_shared<ActiveRun>();
    run->job_id = job.id;
    run->occurrence_ms = occurrence_ms;
    run->started_ms = timers_->now_ms(host_.raw());
    {
        std::lock_guard lock(mu_);
        if (stopping_) return std::nullopt;
        if (active_.count(job.id)) {
            if (manual) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "job '" + job.id + "' is already running");
            host_.info("scheduler: job '" + job.id + "' is still running; this occurrence is skipped");
            return std::nullopt;
        }
    }
    if (running_elsewhere(job.id)) {
        if (manual) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "job '" + job.id + "' is already running (on another host)");
        host_.info("scheduler: job '" + job.id + "' is still running on another host; this occurrence is skipped");
        return std::nullopt;
    }
    {
        std::lock_guard lock(mu_);
        if (stopping_) return std::nullopt;
        active_[job.id] = run;
    }
    starting.unlock();
    struct Release {
        Scheduler* s;
        const std::string& id;
        ~Release()
        {
            std::lock_guard lock(s->mu_);
            s->active_.erase(id);
        }
    } release{this, job.id};

    {
        std::lock_guard lock(run->record_mu);
        run->record = Json{{"status", "claimed"}, {"host", host_label_}, {"claimed_ms", run->started_ms}, {"manual", manual},
                           {"heartbeat_ms", run->started_ms}, {"heartbeat_every_ms", settings_.refresh_ms}};
        if (!store_.claim_run(job.id, occurrence_ms, run->record)) return std::nullopt; // another process runs it
        run->claimed = true;
    }

    auto fail = [&](const std::string& why) {
        save_run(*run, [&](Json& record) {
            record["status"] = "failed";
            record["error"] = why;
            record["finished_ms"] = timers_->now_ms(host_.raw());
        });
        host_.warn("scheduler: job '" + job.id + "' failed: " + why);
    };

    const std::string recipe_text = job.recipe.dump();
    const std::string name = "Scheduled job: " + job.id;
    gaggle_agent_session_options options{};
    options.struct_size = sizeof options;
    options.name = name.c_str();
    options.working_dir = settings_.working_dir.empty() ? nullptr : settings_.working_dir.c_str();
    options.schedule_id = job.id.c_str();
    options.recipe_json = sdk::str(recipe_text);
    char* session = nullptr;
    gaggle_error err = sdk::make_error();
    if (agent_->create_session(host_.raw(), &options, &session, &err) != GAGGLE_OK || !session) {
        fail(std::string("creating the session failed: ") + err.message);
        if (manual) throw sdk::Error(err.code ? err.code : GAGGLE_ERR_INTERNAL, err.message);
        return RunOutcome{"", "failed"};
    }
    const std::string session_id = session;
    host_.raw()->free(host_.raw(), session);
    save_run(*run, [&](Json& record) {
        record["session_id"] = session_id;
        record["session_name"] = name;
        record["working_dir"] = settings_.working_dir;
        record["started_ms"] = run->started_ms;
        record["status"] = "running";
    });

    TurnWatcher watcher;
    gaggle_agent_turn_options turn_options{};
    turn_options.struct_size = sizeof turn_options;
    turn_options.recipe_json = sdk::str(recipe_text);
    turn_options.policy = GAGGLE_AGENT_POLICY_DENY_ON_APPROVAL;
    turn_options.on_event = &TurnWatcher::on_event;
    turn_options.ctx = &watcher;
    gaggle_agent_turn* turn = nullptr;
    err = sdk::make_error();
    if (agent_->start_turn(host_.raw(), nullptr, session_id.c_str(), &turn_options, &turn, &err) != GAGGLE_OK || !turn) {
        fail(std::string("starting the turn failed: ") + err.message);
        if (manual) throw sdk::Error(err.code ? err.code : GAGGLE_ERR_INTERNAL, err.message);
        return RunOutcome{session_id, "failed"};
    }
    {
        std::lock_guard lock(mu_);
        run->session_id = session_id;
        run->turn = turn;
        if (run->kill_requested || stopping_) agent_->cancel(turn);
    }
    gaggle_buffer result{nullptr, 0};
    err = sdk::make_error();
    const gaggle_status awaited = agent_->await_result(turn, UINT32_MAX, &result, &err);
    {
        std::lock_guard lock(mu_);
        run->turn = nullptr; // kill() must not reach a released handle
    }
    agent_->release(turn);

    Json outcome = Json::object();
    if (awaited == GAGGLE_OK && result.data) {
        const std::string_view text(result.data, result.size);
        if (!sdk::json_nests_deeper_than(text)) outcome = Json::parse(text, nullptr, false);
        host_.raw()->free(host_.raw(), result.data);
    }
    const std::string status = outcome.is_object() && outcome.contains("status") && outcome["status"].is_string()
                                   ? outcome["status"].get<std::string>()
                                   : "failed";
    save_run(*run, [&](Json& record) {
        record["status"] = status;
        record["finished_ms"] = timers_->now_ms(host_.raw());
        record["message_count"] = watcher.message_ids.size() + 1; // the recipe's message, then the turn's
        if (outcome.is_object() && outcome.contains("error") && outcome["error"].is_string()) record["error"] = outcome["error"];
        else if (awaited != GAGGLE_OK) record["error"] = err.message;
    });
    store_.clear_kill(job.id, occurrence_ms);
    store_.prune_runs(job.id, settings_.kept_runs);
    return RunOutcome{session_id, status};
}

bool Scheduler::change_if_idle(const std::string& id, const std::function<void()>& change)
{
    std::lock_guard starting(start_mu_);
    if (running(id)) return false;
    change();
    return true;
}

bool Scheduler::kill(const std::string& id)
{
    {
        std::lock_guard lock(mu_);
        auto it = active_.find(id);
        if (it != active_.end()) {
            it->second->kill_requested = true;
            if (it->second->turn) agent_->cancel(it->second->turn);
            return true;
        }
    }
    const auto run = store_.last_run(id);
    if (!run || !running_elsewhere(id)) return false;
    store_.request_kill(id, run->occurrence_ms);
    return true;
}

std::optional<RunningInfo> Scheduler::running(const std::string& id) const
{
    {
        std::lock_guard lock(mu_);
        auto it = active_.find(id);
        if (it != active_.end()) return RunningInfo{it->second->session_id, it->second->started_ms, true};
    }
    return running_elsewhere(id);
}

std::optional<RunningInfo> Scheduler::running_elsewhere(const std::string& id) const
{
    const auto run = store_.last_run(id);
    if (!run) return std::nullopt;
    const Json& r = run->record;
    const std::string status = r.value("status", std::string());
    if (status != "claimed" && status != "running") return std::nullopt;
    if (r.value("host", std::string()) == host_label_) return std::nullopt; // ours: active_ knows
    // Records from before heartbeats, or from a process that stopped beating, block nothing.
    const Json heartbeat = r.value("heartbeat_ms", Json());
    const Json every = r.value("heartbeat_every_ms", Json());
    if (!heartbeat.is_number_integer() || !every.is_number_integer()) return std::nullopt;
    const int64_t stale_after = 3 * std::clamp<int64_t>(every.get<int64_t>(), 100, 600'000) + 1000;
    if (timers_->now_ms(host_.raw()) - heartbeat.get<int64_t>() > stale_after) return std::nullopt;
    RunningInfo info;
    info.here = false;
    info.session_id = r.value("session_id", Json()).is_string() ? r["session_id"].get<std::string>() : std::string();
    const Json started = r.value("started_ms", r.value("claimed_ms", Json()));
    info.started_ms = started.is_number_integer() ? started.get<int64_t>() : 0;
    return info;
}

void Scheduler::save_run(ActiveRun& run, const std::function<void(Json&)>& change)
{
    std::lock_guard lock(run.record_mu);
    change(run.record);
    run.record["heartbeat_ms"] = timers_->now_ms(host_.raw());
    if (run.record.value("finished_ms", Json()).is_number_integer()) run.finished = true;
    store_.update_run(run.job_id, run.occurrence_ms, run.record);
}

void Scheduler::beat()
{
    std::vector<std::shared_ptr<ActiveRun>> runs;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, run] : active_) runs.push_back(run);
    }
    for (const auto& run : runs) {
        {
            std::lock_guard lock(run->record_mu);
            if (!run->claimed || run->finished) continue;
            run->record["heartbeat_ms"] = timers_->now_ms(host_.raw());
            store_.update_run(run->job_id, run->occurrence_ms, run->record);
        }
        if (store_.kill_requested(run->job_id, run->occurrence_ms)) {
            host_.info("scheduler: job '" + run->job_id + "' killed from another host");
            std::lock_guard lock(mu_);
            run->kill_requested = true;
            if (run->turn) agent_->cancel(run->turn);
        }
    }
}

} // namespace gaggle::scheduler
