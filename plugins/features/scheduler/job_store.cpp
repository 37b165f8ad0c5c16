#include "job_store.hpp"

#include <gaggle/cpp/json_depth.hpp>

#include <algorithm>
#include <cstdio>

namespace gaggle::scheduler {
namespace {

const std::string job_prefix = "job/";
const std::string run_prefix = "run/";
const std::string kill_prefix = "kill/";

// The occurrence a run key names; nullopt for a key this plugin did not write.
std::optional<int64_t> occurrence_of(const std::string& key, const std::string& prefix)
{
    if (key.size() <= prefix.size() || key.size() > prefix.size() + 18) return std::nullopt;
    int64_t v = 0;
    for (size_t i = prefix.size(); i < key.size(); ++i) {
        if (key[i] < '0' || key[i] > '9') return std::nullopt;
        v = v * 10 + (key[i] - '0');
    }
    return v;
}

std::optional<Json> parse_record(const std::string& text)
{
    if (sdk::json_nests_deeper_than(text)) return std::nullopt;
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

} // namespace

Json Job::to_record() const
{
    return Json{{"id", id}, {"cron", cron}, {"recipe", recipe}, {"paused", paused}, {"created_ms", created_ms}};
}

std::optional<Job> Job::from_record(const std::string& text)
{
    auto j = parse_record(text);
    if (!j || !(*j)["id"].is_string() || !(*j)["cron"].is_string() || !(*j)["recipe"].is_object()) return std::nullopt;
    Job job;
    job.id = (*j)["id"];
    job.cron = (*j)["cron"];
    job.recipe = (*j)["recipe"];
    job.paused = j->value("paused", false);
    job.created_ms = j->value("created_ms", int64_t{0});
    return job;
}

JobStore::JobStore(sdk::Host host) : host_(host), claims_(host.service<gaggle_host_kv_claim_v1>(GAGGLE_HOST_KV_CLAIM_V1))
{
    if (!host.service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1) || !claims_)
        throw sdk::Error(GAGGLE_ERR_UNSUPPORTED, "the scheduler needs the host's gaggle.host.kv/1 and gaggle.host.kv_claim/1");
}

std::string JobStore::run_key(const std::string& id, int64_t occurrence_ms)
{
    // Zero-padded so the store's bytewise key order is time order.
    char digits[24];
    std::snprintf(digits, sizeof digits, "%016lld", static_cast<long long>(occurrence_ms));
    return run_prefix + id + "/" + digits;
}

std::vector<std::string> JobStore::keys(const std::string& prefix) const
{
    gaggle_buffer out{nullptr, 0};
    gaggle_error err = sdk::make_error();
    const gaggle_status st = claims_->list_keys(host_.raw(), prefix.c_str(), &out, &err);
    if (st != GAGGLE_OK) throw sdk::Error(st, err.message);
    std::vector<std::string> keys;
    for (size_t start = 0; start < out.size;) {
        const size_t end = std::string_view(out.data, out.size).find('\0', start);
        if (end == std::string_view::npos) break;
        keys.emplace_back(out.data + start, end - start);
        start = end + 1;
    }
    host_.raw()->free(host_.raw(), out.data);
    return keys;
}

std::optional<Job> JobStore::get(const std::string& id) const
{
    auto text = host_.kv_get((job_prefix + id).c_str());
    return text ? Job::from_record(*text) : std::nullopt;
}

std::vector<Job> JobStore::list() const
{
    std::vector<Job> jobs;
    for (const auto& key : keys(job_prefix))
        if (auto text = host_.kv_get(key.c_str()))
            if (auto job = Job::from_record(*text)) jobs.push_back(std::move(*job));
    return jobs;
}

bool JobStore::create(const Job& job) const
{
    const std::string key = job_prefix + job.id, value = job.to_record().dump();
    int32_t claimed = 0;
    gaggle_error err = sdk::make_error();
    const gaggle_status st = claims_->claim(host_.raw(), key.c_str(), sdk::str(value), &claimed, &err);
    if (st != GAGGLE_OK) throw sdk::Error(st, err.message);
    return claimed == 1;
}

void JobStore::put(const Job& job) const { host_.kv_put((job_prefix + job.id).c_str(), job.to_record().dump()); }

bool JobStore::remove(const std::string& id) const
{
    const bool existed = host_.kv_get((job_prefix + id).c_str()).has_value();
    host_.kv_remove((job_prefix + id).c_str());
    for (const auto& key : keys(run_prefix + id + "/")) host_.kv_remove(key.c_str());
    for (const auto& key : keys(kill_prefix + id + "/")) host_.kv_remove(key.c_str());
    return existed;
}

bool JobStore::claim_run(const std::string& id, int64_t occurrence_ms, const Json& record) const
{
    const std::string key = run_key(id, occurrence_ms), value = record.dump();
    int32_t claimed = 0;
    gaggle_error err = sdk::make_error();
    const gaggle_status st = claims_->claim(host_.raw(), key.c_str(), sdk::str(value), &claimed, &err);
    if (st != GAGGLE_OK) throw sdk::Error(st, err.message);
    return claimed == 1;
}

void JobStore::update_run(const std::string& id, int64_t occurrence_ms, const Json& record) const
{
    host_.kv_put(run_key(id, occurrence_ms).c_str(), record.dump());
}

std::vector<Run> JobStore::runs(const std::string& id) const
{
    const std::string prefix = run_prefix + id + "/";
    std::vector<Run> runs;
    for (const auto& key : keys(prefix)) {
        auto text = host_.kv_get(key.c_str());
        if (!text) continue; // deleted since listed
        auto record = parse_record(*text);
        auto occurrence = occurrence_of(key, prefix);
        if (!record || !occurrence) continue;
        runs.push_back(Run{*occurrence, std::move(*record)});
    }
    return runs;
}

std::optional<Run> JobStore::last_run(const std::string& id) const
{
    const std::string prefix = run_prefix + id + "/";
    const auto all = keys(prefix);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        auto text = host_.kv_get(it->c_str());
        auto record = text ? parse_record(*text) : std::nullopt;
        auto occurrence = occurrence_of(*it, prefix);
        if (record && occurrence) return Run{*occurrence, std::move(*record)};
    }
    return std::nullopt;
}

std::optional<int64_t> JobStore::last_occurrence(const std::string& id) const
{
    const std::string prefix = run_prefix + id + "/";
    const auto all = keys(prefix);
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (auto occurrence = occurrence_of(*it, prefix)) return occurrence;
    return std::nullopt;
}

void JobStore::prune_runs(const std::string& id, size_t keep) const
{
    const auto all = keys(run_prefix + id + "/");
    for (size_t i = 0; i + keep < all.size(); ++i) host_.kv_remove(all[i].c_str());
}

std::string JobStore::kill_key(const std::string& id, int64_t occurrence_ms)
{
    return kill_prefix + run_key(id, occurrence_ms).substr(run_prefix.size());
}

void JobStore::request_kill(const std::string& id, int64_t occurrence_ms) const
{
    host_.kv_put(kill_key(id, occurrence_ms).c_str(), "{}");
}

bool JobStore::kill_requested(const std::string& id, int64_t occurrence_ms) const
{
    return host_.kv_get(kill_key(id, occurrence_ms).c_str()).has_value();
}

void JobStore::clear_kill(const std::string& id, int64_t occurrence_ms) const
{
    host_.kv_remove(kill_key(id, occurrence_ms).c_str());
}

} // namespace gaggle::scheduler
