// Local model downloads through the real binary, from a model server in the test (Poco, with Range
// support and a throttle): progress with bytes, percent, speed and ETA; cancel then resume with a
// Range request; a checksum mismatch fails the download; the downloaded model transcribes.
#include "dictation_audio.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <openssl/sha.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using namespace gaggle::test;
using namespace gaggle::test::dictation;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path system_model = "/usr/share/pocketsphinx/model/en-us";

std::string sha256_hex(const std::string& bytes)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : d) out += {hex[b >> 4], hex[b & 15]};
    return out;
}

// Serves /en-us/manifest.json and the en-us model's files (Debian's), honouring "Range: bytes=N-".
class ModelServer {
public:
    std::map<std::string, std::string> files; // URL path -> content
    std::atomic<int> pause_us_per_chunk{0};
    std::mutex mutex;
    std::vector<std::string> ranges; // Range headers received
    std::atomic<uint64_t> bytes_sent{0};

    explicit ModelServer(const std::string& corrupt_path = "")
    {
        Json manifest{{"files", Json::array()}};
        for (const auto& e : fs::recursive_directory_iterator(system_model)) {
            if (!e.is_regular_file()) continue;
            const std::string rel = fs::relative(e.path(), system_model).string();
            const std::string content = read_file(e.path());
            files["/en-us/" + rel] = content;
            const std::string sum = rel == corrupt_path ? std::string(64, '0') : sha256_hex(content);
            manifest["files"].push_back({{"path", rel}, {"size", content.size()}, {"sha256", sum}});
            total += content.size();
        }
        files["/en-us/manifest.json"] = manifest.dump();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(4);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)), params);
        server_->start();
    }
    ~ModelServer() { server_->stopAll(true); }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    uint64_t total = 0;

private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(ModelServer& s) : s_(s) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override
        {
            auto it = s_.files.find(req.getURI());
            if (it == s_.files.end()) {
                res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
                res.send() << "not found";
                return;
            }
            const std::string& content = it->second;
            std::size_t from = 0;
            if (req.has("Range")) {
                std::lock_guard lock(s_.mutex);
                s_.ranges.push_back(req.get("Range"));
                from = std::stoull(req.get("Range").substr(6)); // "bytes=N-"
                res.setStatus(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
                res.set("Content-Range", "bytes " + std::to_string(from) + "-" + std::to_string(content.size() - 1) + "/" +
                                             std::to_string(content.size()));
            }
            res.setContentLength64(static_cast<Poco::Int64>(content.size() - from));
            std::ostream& out = res.send();
            constexpr std::size_t chunk = 16 * 1024;
            for (std::size_t at = from; at < content.size() && out.good(); at += chunk) {
                const std::size_t n = std::min(chunk, content.size() - at);
                out.write(content.data() + at, static_cast<std::streamsize>(n));
                out.flush();
                s_.bytes_sent += n;
                if (const int us = s_.pause_us_per_chunk.load()) std::this_thread::sleep_for(std::chrono::microseconds(us));
            }
        }
        ModelServer& s_;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(ModelServer& s) : s_(s) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
        {
            return new Handler(s_);
        }
        ModelServer& s_;
    };
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

ServerProcess::Options downloading_from(const ModelServer& models)
{
    ServerProcess::Options o;
    o.env["DICTATION_MODEL_BASE_URL"] = models.base_url();
    return o;
}

Json progress(const ServerProcess& server)
{
    const HttpResult r = server.get("/dictation/models/en-us/download");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body);
}

// Polls until the download leaves "downloading"; `seen` gets every progress report.
Json wait_until_done(const ServerProcess& server, std::vector<Json>* seen = nullptr)
{
    for (int i = 0; i < 3000; ++i) {
        Json p = progress(server);
        if (seen) seen->push_back(p);
        if (p["status"] != "downloading") return p;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("the download never finished");
    return {};
}

} // namespace

TEST_CASE("dictation models: download with progress, verify, transcribe with it, delete")
{
    ModelServer models;
    models.pause_us_per_chunk = 500; // about 30 MB/s: slow enough to watch
    ServerProcess server(downloading_from(models));
    CHECK(server.get("/dictation/models/en-us/download").status == 404);

    REQUIRE(server.request("POST", "/dictation/models/en-us/download").status == 202);
    const HttpResult again = server.request("POST", "/dictation/models/en-us/download");
    std::vector<Json> seen;
    const Json done = wait_until_done(server, &seen);
    REQUIRE_MESSAGE(done["status"] == "completed", done.dump());
    CHECK(done["bytes_downloaded"] == models.total);
    CHECK(done["total_bytes"] == models.total);
    CHECK(done["progress_percent"].get<double>() == doctest::Approx(100.0));
    if (seen.size() > 1) { // the first report was taken mid-download
        CHECK(again.status == 400);
        const Json& mid = seen.front();
        CHECK(mid["status"] == "downloading");
        CHECK(mid["progress_percent"].get<double>() < 100.0);
    }
    // Every report taken mid-download, once bytes flow, carries speed and ETA (how many there are
    // depends on timing; the throttle makes it several).
    int mid_reports = 0;
    for (const Json& p : seen) {
        if (p["status"] != "downloading" || p["bytes_downloaded"].get<uint64_t>() == 0) continue;
        ++mid_reports;
        CHECK(p["speed_bps"].get<uint64_t>() > 0);
        CHECK(p.contains("eta_seconds"));
        CHECK(p["bytes_downloaded"].get<uint64_t>() <= p["total_bytes"].get<uint64_t>());
    }
    MESSAGE("progress reports taken mid-download: " << mid_reports);

    const fs::path own = server.root() / "data" / "plugins" / "dictation" / "models" / "en-us";
    CHECK(fs::exists(own / "en-us" / "mdef"));
    CHECK(fs::file_size(own / "en-us.lm.bin") == fs::file_size(system_model / "en-us.lm.bin"));
    CHECK_FALSE(fs::exists(own.string() + ".partial"));

    TempDir audio;
    const HttpResult t = server.post_json(
        "/dictation/transcribe", transcribe_body(read_file(speak(audio.path(), "c", "open the pod bay doors")), "audio/wav", "local"));
    REQUIRE_MESSAGE(t.status == 200, t.body);
    CHECK(Json::parse(t.body)["text"] == "open the pod bay doors");

    CHECK(server.request("DELETE", "/dictation/models/en-us").status == 200);
    CHECK_FALSE(fs::exists(own));
    CHECK(server.request("DELETE", "/dictation/models/en-us").status == 404);
}

TEST_CASE("dictation models: a cancelled download resumes with a Range request")
{
    ModelServer models;
    models.pause_us_per_chunk = 20000; // about 0.8 MB/s: the download is still running when cancelled
    ServerProcess server(downloading_from(models));
    REQUIRE(server.request("POST", "/dictation/models/en-us/download").status == 202);
    uint64_t before_cancel = 0;
    for (int i = 0; i < 600 && before_cancel < 256 * 1024; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        before_cancel = progress(server)["bytes_downloaded"].get<uint64_t>();
    }
    REQUIRE(before_cancel >= 256 * 1024);
    CHECK(server.request("DELETE", "/dictation/models/en-us/download").status == 200);
    const Json cancelled = progress(server);
    CHECK(cancelled["status"] == "cancelled");
    CHECK(server.request("DELETE", "/dictation/models/en-us/download").status == 404);

    models.pause_us_per_chunk = 0;
    const uint64_t sent_before_resume = models.bytes_sent.load();
    REQUIRE(server.request("POST", "/dictation/models/en-us/download").status == 202);
    const Json done = wait_until_done(server);
    REQUIRE_MESSAGE(done["status"] == "completed", done.dump());
    CHECK(done["bytes_downloaded"] == models.total);
    {
        std::lock_guard lock(models.mutex);
        REQUIRE(!models.ranges.empty());
        CHECK(models.ranges.front().rfind("bytes=", 0) == 0);
        CHECK(std::stoull(models.ranges.front().substr(6)) > 0);
    }
    // The resumed run fetched less than the whole model: what was kept was not sent again.
    CHECK(models.bytes_sent.load() - sent_before_resume < models.total);
}

TEST_CASE("dictation models: a checksum mismatch fails the download and keeps no bad file")
{
    ModelServer models("en-us/feat.params");
    ServerProcess server(downloading_from(models));
    REQUIRE(server.request("POST", "/dictation/models/en-us/download").status == 202);
    const Json done = wait_until_done(server);
    CHECK(done["status"] == "failed");
    CHECK(done["error"].get<std::string>().find("checksum mismatch for en-us/feat.params") != std::string::npos);
    const fs::path models_dir = server.root() / "data" / "plugins" / "dictation" / "models";
    CHECK_FALSE(fs::exists(models_dir / "en-us"));
    CHECK_FALSE(fs::exists(models_dir / "en-us.partial" / "en-us" / "feat.params"));
}

TEST_CASE("dictation models: unknown model, no download URL, nothing to cancel")
{
    ServerProcess server;
    HttpResult r = server.request("POST", "/dictation/models/en-us/download");
    CHECK(r.status == 400);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("model_base_url") != std::string::npos);
    ModelServer models;
    ServerProcess configured(downloading_from(models));
    r = configured.request("POST", "/dictation/models/large-v3/download");
    CHECK(r.status == 400);
    CHECK(configured.request("DELETE", "/dictation/models/en-us/download").status == 404);
    CHECK(configured.request("DELETE", "/dictation/models/en-us").status == 404); // the system's copy is not ours
}
