#pragma once
// Fires jobs: one host timer per job, armed at its next occurrence. Each occurrence is claimed in
// the store before it runs, so when several host processes share a store exactly one runs it; the
// run is a "scheduled" session stamped with the job's id, whose turn runs the recipe through the
// host's agent service with approvals denied (nobody is there to give one).
//
// Every process knows what runs anywhere: the process running an occurrence stamps its run record
// with a heartbeat on each refresh, and the others count a run as running while that heartbeat is
// fresh (three intervals, as the record states them, and a second). So list, inspect, run_now,
// pause and updates behave the same on every process, an occurrence is skipped while another
// process still runs the job, and kill reaches the run's process through the store. A host
// killed mid-run stops beating: its record blocks nothing once stale, and the job fires again.
//
// Thread-safety: every public function may be called from any thread. Timer callbacks run on the
// host's timer thread; runs on threads of their own (run_now on the request's thread).
#include "cron_expression.hpp"
#include "job_store.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::scheduler {

enum class MissedPolicy { skip, run_once };

struct Settings {
    absl::TimeZone zone;                 // crons are read in this zone
    MissedPolicy missed = MissedPolicy::skip;
    int64_t refresh_ms = 2000;           // how often jobs changed by other processes are picked up
    std::string working_dir;             // of scheduled sessions; "" for the host's current folder
    size_t kept_runs = 100;              // run records kept per job
};

// A run in progress, in this process or another on the store.
struct RunningInfo {
    std::string session_id; // "" while the session is being created
    int64_t started_ms = 0;
    bool here = true;       // false: another process runs it (its record's heartbeat is fresh)
};

struct RunOutcome {
    std::string session_id;
    std::string status; // completed | failed | cancelled
};

class Scheduler {
public:
    Scheduler(sdk::Host host, JobStore& store, Settings settings);
    ~Scheduler();

    // [main-thread] Arms every stored job (running missed occurrences per the policy) and the
    // refresh timer; stop() disarms them, cancels runs in progress and waits for them to end.
    void start();
    void stop() noexcept;

    // Re-reads one job from the store and (re)arms or disarms its timer.
    void sync_job(const std::string& id);

    // Runs the job now on the caller's thread and returns when the run has ended. Throws
    // sdk::Error(INVALID_ARGUMENT) when the job is already running here.
    RunOutcome run_now(const Job& job);
    // Calls `change` (which stores a change to the job) unless a run of the job is in progress
    // here, and returns whether it did. A run starts by reading the job and marking itself
    // running in one step that excludes this, so no run starts from the job as it was before.
    bool change_if_idle(const std::string& id, const std::function<void()>& change);
    // Cancels the job's run in progress, here at once or in the process running it at its next
    // heartbeat; false when none runs anywhere.
    bool kill(const std::string& id);
    // The job's run in progress here, else one another process runs (from the store).
    std::optional<RunningInfo> running(const std::string& id) const;

    const Settings& settings() const { return settings_; }

private:
    struct JobTimer;
    struct ActiveRun;

    static void GAGGLE_ABI on_job_timer(void* ctx, gaggle_timer_id id) noexcept;
    static void GAGGLE_ABI on_refresh_timer(void* ctx, gaggle_timer_id id) noexcept;

    void arm(const Job& job, int64_t after_ms);           // holds mu_
    void disarm(const std::string& id);                   // must not hold mu_
    void fire(JobTimer* timer);
    void refresh();
    void run_missed(const Job& job);
    void spawn_run(Job job, int64_t occurrence_ms);
    std::optional<RunOutcome> run_occurrence(const Job& job, int64_t occurrence_ms, bool manual);
    // Run records: every write stamps the heartbeat; beat() rewrites the records of the runs in
    // progress here and acts on kills other processes asked for.
    void save_run(ActiveRun& run, const std::function<void(Json&)>& change);
    void beat();
    std::optional<RunningInfo> running_elsewhere(const std::string& id) const;
    gaggle_timer_id schedule_timer(int64_t delay_ms, int64_t interval_ms, gaggle_timer_fn fn, void* ctx);

    sdk::Host host_;
    JobStore& store_;
    Settings settings_;
    const gaggle_host_timer_v1* timers_;
    const gaggle_host_agent_v1* agent_;
    std::string host_label_; // names this process in run records

    std::mutex start_mu_; // a run's start (read job, mark running) against change_if_idle
    mutable std::mutex mu_;
    std::condition_variable runs_done_;
    bool stopping_ = false;
    std::map<std::string, std::unique_ptr<JobTimer>> armed_;
    std::vector<std::unique_ptr<JobTimer>> retired_; // disarmed timers: freed only at destruction
    std::map<std::string, std::shared_ptr<ActiveRun>> active_;
    int threads_ = 0; // run threads still going
    gaggle_timer_id refresh_timer_ = 0;
};

} // namespace gaggle::scheduler
