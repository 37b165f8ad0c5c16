#include "model_downloads.hpp"

#include "dictation_error.hpp"

#include <gaggle_providers/http_client.hpp>

#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

namespace gaggle::dictation {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

struct DownloadJob {
    std::atomic<bool> cancelled{false};
    std::thread thread;
    mutable std::mutex mutex; // guards the fields below
    std::string status = "downloading";
    std::string error;
    uint64_t bytes_done = 0, total = 0;
    uint64_t bytes_this_run = 0; // fetched over the network by this run (resumed bytes excluded)
    SteadyClock::time_point started = SteadyClock::now();

    bool running() const
    {
        std::lock_guard lock(mutex);
        return status == "downloading";
    }
};

namespace {

struct ManifestFile {
    std::string path, sha256;
    uint64_t size = 0;
};

class Failed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

int32_t GAGGLE_ABI job_cancelled(const gaggle_cancel* self)
{
    return static_cast<const DownloadJob*>(self->ctx)->cancelled.load() ? 1 : 0;
}

// A manifest path stays inside the model folder: relative, no "..", no empty or hidden tricks.
bool safe_relative(const std::string& p)
{
    if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos) return false;
    for (const auto& part : fs::path(p))
        if (part == ".." || part == "." || part.empty()) return false;
    return true;
}

std::vector<ManifestFile> parse_manifest(const std::string& body)
{
    const Json j = Json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("files") || !j["files"].is_array() || j["files"].empty())
        throw Failed("manifest.json has no `files` list");
    std::vector<ManifestFile> files;
    for (const Json& f : j["files"]) {
        if (!f.is_object() || !f.value("path", Json()).is_string() || !f.value("sha256", Json()).is_string() ||
            !f.value("size", Json()).is_number_unsigned())
            throw Failed("manifest.json: each file needs `path`, `size` and `sha256`");
        ManifestFile m{f["path"].get<std::string>(), f["sha256"].get<std::string>(), f["size"].get<uint64_t>()};
        if (!safe_relative(m.path)) throw Failed("manifest.json: unsafe path " + m.path);
        if (m.sha256.size() != 64) throw Failed("manifest.json: sha256 of " + m.path + " is not 64 hex digits");
        files.push_back(std::move(m));
    }
    return files;
}

std::string sha256_of(const fs::path& file)
{
    // OpenSSL's libcrypto, which the host has mapped already for TLS: hashing costs no library.
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) throw Failed("cannot hash: out of memory");
    std::ifstream in(file, std::ios::binary);
    std::vector<char> buf(1 << 16);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
        EVP_DigestUpdate(sha.get(), buf.data(), static_cast<size_t>(in.gcount()));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(sha.get(), digest, &length);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
    return out;
}

uint64_t size_or_zero(const fs::path& p)
{
    std::error_code ec;
    const auto s = fs::file_size(p, ec);
    return ec ? 0 : s;
}

class Runner {
public:
    Runner(sdk::Host host, DownloadJob& job, std::string base, fs::path models_dir, std::string id)
        : host_(host), job_(job), base_(std::move(base)), models_dir_(std::move(models_dir)), id_(std::move(id))
    {
        cancel_.struct_size = sizeof(cancel_);
        cancel_.ctx = &job_;
        cancel_.is_cancelled = &job_cancelled;
    }

    void run()
    {
        try {
            const auto files = parse_manifest(fetch_small(base_ + "/" + id_ + "/manifest.json"));
            const fs::path partial = models_dir_ / (id_ + ".partial");
            uint64_t total = 0, present = 0;
            for (auto& f : files) {
                total += f.size;
                present += std::min(f.size, size_or_zero(partial / f.path));
            }
            update([&] { job_.total = total; job_.bytes_done = present; });
            for (auto& f : files) fetch_file(f, partial / f.path);
            const fs::path final_dir = models_dir_ / id_;
            fs::remove_all(final_dir);
            fs::rename(partial, final_dir);
            update([&] { job_.status = "completed"; });
            host_.info("dictation: model " + id_ + " downloaded to " + final_dir.string());
        } catch (const std::exception& e) {
            const bool cancelled = job_.cancelled.load();
            update([&] {
                job_.status = cancelled ? "cancelled" : "failed";
                if (!cancelled) job_.error = e.what();
            });
            if (!cancelled) host_.warn("dictation: model " + id_ + " download failed: " + e.what());
        }
    }

private:
    template <class F>
    void update(F&& f)
    {
        std::lock_guard lock(job_.mutex);
        f();
    }

    providers::HttpOutcome get(const std::string& url, const providers::Headers& headers, int& status,
                               const std::function<bool(std::string_view)>& on_data)
    {
        providers::HttpRequest r;
        r.method = "GET";
        r.url = url;
        r.headers = headers;
        r.idle_timeout = std::chrono::milliseconds(60000);
        return providers::HttpClient(host_).perform(
            r, [&](int s, const providers::Headers&) { status = s; return true; }, on_data, sdk::Cancel(&cancel_));
    }

    void check(const providers::HttpOutcome& outcome, int status, const std::string& url, bool partial_ok)
    {
        if (outcome.status == GAGGLE_ERR_CANCELLED && job_.cancelled.load()) throw Failed("cancelled");
        if (outcome.status != GAGGLE_OK) throw Failed("GET " + url + ": " + outcome.message);
        if (status != 200 && !(partial_ok && status == 206))
            throw Failed("GET " + url + ": HTTP " + std::to_string(status));
    }

    std::string fetch_small(const std::string& url)
    {
        std::string body;
        int status = 0;
        const auto outcome = get(url, {}, status, [&](std::string_view c) {
            body.append(c);
            return body.size() < (1u << 20);
        });
        check(outcome, status, url, false);
        return body;
    }

    void fetch_file(const ManifestFile& f, const fs::path& target)
    {
        fs::create_directories(target.parent_path());
        uint64_t have = size_or_zero(target);
        if (have > f.size) {
            fs::remove(target);
            have = 0;
        }
        const std::string url = base_ + "/" + id_ + "/" + f.path;
        if (have < f.size) {
            providers::Headers headers;
            if (have > 0) headers.emplace_back("Range", "bytes=" + std::to_string(have) + "-");
            int status = 0;
            std::ofstream out;
            uint64_t written = have;
            const auto outcome = get(url, headers, status, [&](std::string_view chunk) {
                if (!out.is_open()) {
                    // 206 continues the file; a 200 is the whole file again, so start over.
                    const bool resume = status == 206 && have > 0;
                    if (!resume) {
                        update([&] { job_.bytes_done -= have; });
                        written = 0;
                    }
                    out.open(target, std::ios::binary | (resume ? std::ios::app : std::ios::trunc));
                    if (!out) throw Failed("cannot write " + target.string());
                }
                if (written + chunk.size() > f.size) throw Failed(f.path + " is larger than the manifest says");
                out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                written += chunk.size();
                update([&] {
                    job_.bytes_done += chunk.size();
                    job_.bytes_this_run += chunk.size();
                });
                return !job_.cancelled.load();
            });
            out.close();
            check(outcome, status, url, true);
        }
        if (sha256_of(target) != f.sha256) {
            const uint64_t bad = size_or_zero(target);
            fs::remove(target); // a corrupt file is never resumed from
            update([&] { job_.bytes_done -= std::min(job_.bytes_done, bad); });
            throw Failed("checksum mismatch for " + f.path + " (SHA-256 differs from the manifest)");
        }
    }

    sdk::Host host_;
    DownloadJob& job_;
    std::string base_;
    fs::path models_dir_;
    std::string id_;
    gaggle_cancel cancel_{};
};

Json progress_json(const std::string& id, const DownloadJob& job)
{
    std::lock_guard lock(job.mutex);
    Json p{{"model_id", id},
           {"status", job.status},
           {"bytes_downloaded", job.bytes_done},
           {"total_bytes", job.total},
           {"progress_percent", job.total ? 100.0 * static_cast<double>(job.bytes_done) / static_cast<double>(job.total) : 0.0}};
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - job.started).count();
    if (job.status == "downloading" && elapsed > 0 && job.bytes_this_run > 0) {
        const double speed = static_cast<double>(job.bytes_this_run) / elapsed;
        p["speed_bps"] = static_cast<uint64_t>(speed);
        p["eta_seconds"] = static_cast<uint64_t>(static_cast<double>(job.total - std::min(job.total, job.bytes_done)) / speed);
    }
    if (!job.error.empty()) p["error"] = job.error;
    return p;
}

} // namespace

ModelDownloads::ModelDownloads(sdk::Host host, const LocalModels& models, std::string base_url)
    : host_(host), models_(models), base_url_(std::move(base_url))
{
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

ModelDownloads::~ModelDownloads()
{
    std::map<std::string, std::shared_ptr<DownloadJob>> jobs;
    {
        std::lock_guard lock(mutex_);
        jobs.swap(jobs_);
    }
    for (auto& [id, job] : jobs) job->cancelled = true;
    for (auto& [id, job] : jobs)
        if (job->thread.joinable()) job->thread.join();
}

void ModelDownloads::start(const std::string& id)
{
    if (!models_.find(id)) throw DictationError(400, "Model not found: " + id);
    if (base_url_.empty())
        throw DictationError(400, "no model download URL configured (plugin config `model_base_url` or "
                                  "DICTATION_MODEL_BASE_URL)");
    std::lock_guard lock(mutex_);
    auto& slot = jobs_[id];
    if (slot && slot->running()) throw DictationError(400, "Download already in progress for " + id);
    if (slot && slot->thread.joinable()) slot->thread.join(); // finished: its thread is ending
    auto job = std::make_shared<DownloadJob>();
    job->thread = std::thread([host = host_, job_ptr = job.get(), base = base_url_, dir = models_.folder() / "models", id] {
        Runner(host, *job_ptr, base, dir, id).run();
    });
    slot = std::move(job);
}

std::optional<Json> ModelDownloads::progress(const std::string& id) const
{
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    return progress_json(id, *it->second);
}

bool ModelDownloads::cancel(const std::string& id)
{
    std::shared_ptr<DownloadJob> job;
    {
        std::lock_guard lock(mutex_);
        auto it = jobs_.find(id);
        if (it == jobs_.end() || !it->second->running()) return false;
        job = it->second;
    }
    job->cancelled = true;
    if (job->thread.joinable() && job->thread.get_id() != std::this_thread::get_id()) {
        std::lock_guard lock(mutex_); // start() joins under this lock too: one joiner at a time
        if (job->thread.joinable()) job->thread.join();
    }
    return true;
}

bool ModelDownloads::remove(const std::string& id)
{
    if (!models_.find(id)) return false;
    {
        std::lock_guard lock(mutex_);
        auto it = jobs_.find(id);
        if (it != jobs_.end() && it->second->running()) throw DictationError(400, "Model " + id + " is downloading");
    }
    const fs::path dir = models_.folder() / "models" / id;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return false;
    fs::remove_all(dir, ec);
    if (ec) throw DictationError(500, "Failed to delete model: " + ec.message());
    return true;
}

} // namespace gaggle::dictation
