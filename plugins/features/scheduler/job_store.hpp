#pragma once
// Jobs and their runs, kept in the host's key-value store (the only storage a plugin has), so they
// survive restarts and are shared by every host process on the same store:
//   job/<id>                 the job: cron, recipe, paused
//   run/<id>/<occurrence ms> one run; created by a claim, so one process per occurrence runs it
//   kill/<id>/<occurrence ms> a kill asked for by a process that does not run that occurrence
// Thread-safe as the host's services are; read-modify-write sequences are the caller's to guard.
#include <gaggle/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::scheduler {

using Json = nlohmann::json;

struct Job {
    std::string id, cron;
    Json recipe = Json::object();
    bool paused = false;
    int64_t created_ms = 0;

    Json to_record() const;
    static std::optional<Job> from_record(const std::string& text); // nullopt for a damaged record
};

struct Run {
    int64_t occurrence_ms = 0;
    Json record; // status, session_id, started_ms, finished_ms, error, host, manual...
};

class JobStore {
public:
    // Throws sdk::Error(UNSUPPORTED) when the host lacks "gaggle.host.kv/1" or
    // "gaggle.host.kv_claim/1" (a host before the scheduler's needs).
    explicit JobStore(sdk::Host host);

    std::optional<Job> get(const std::string& id) const;
    std::vector<Job> list() const; // sorted by id
    // Stores a new job unless one with its id exists (atomically, across processes).
    bool create(const Job& job) const;
    void put(const Job& job) const;
    // Deletes the job and its run records; false when there was no such job.
    bool remove(const std::string& id) const;

    // Creates run/<id>/<occurrence> with `record` unless it exists: true for exactly one caller
    // per occurrence across every process on the store.
    bool claim_run(const std::string& id, int64_t occurrence_ms, const Json& record) const;
    void update_run(const std::string& id, int64_t occurrence_ms, const Json& record) const;
    // Oldest first.
    std::vector<Run> runs(const std::string& id) const;
    // The newest run, reading only its record.
    std::optional<Run> last_run(const std::string& id) const;
    // The newest run's occurrence, without reading the records.
    std::optional<int64_t> last_occurrence(const std::string& id) const;
    // Keeps the newest `keep` runs of a job.
    void prune_runs(const std::string& id, size_t keep) const;

    // Kills across processes: one asks, the process running the occurrence sees it on its next
    // heartbeat and cancels its turn.
    void request_kill(const std::string& id, int64_t occurrence_ms) const;
    bool kill_requested(const std::string& id, int64_t occurrence_ms) const;
    void clear_kill(const std::string& id, int64_t occurrence_ms) const;

private:
    std::vector<std::string> keys(const std::string& prefix) const;
    static std::string run_key(const std::string& id, int64_t occurrence_ms);
    static std::string kill_key(const std::string& id, int64_t occurrence_ms);

    sdk::Host host_;
    const gaggle_host_kv_claim_v1* claims_;
};

} // namespace gaggle::scheduler
