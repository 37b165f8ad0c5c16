// dictation_bench: the `local` dictation backend (PocketSphinx) through the real server.
//
//   rtf      time to transcribe a 10 s flite clip (webm/opus, as the desktop records) divided by
//            its length, by wall clock and by the server's CPU time; baseline: the same request's HTTP + FFmpeg decode cost, measured by
//            posting the clip to the `openai` backend pointed at a closed port (it decodes the
//            container, then fails fast), and the ffmpeg CLI decoding the clip to 16 kHz PCM
//   memory   resident set of the server before any dictation (plugin loaded, no model) and after
//            the first local transcription (one PocketSphinx decoder with the en-us model);
//            baselines in the same run: an idle server without the dictation plugin (a plugin
//            folder holding every other plugin), and an idle server with the speech engine's
//            libraries mapped at start (LD_PRELOAD of dictation_engine.so: what the plugin cost
//            when it linked FFmpeg and PocketSphinx itself)
//
//   dictation_bench [--runs N]
#include "bench_support.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using gaggle::bench::Clock;
using gaggle::bench::median;
using gaggle::bench::ms_since;
using Json = nlohmann::json;

namespace {

int free_port()
{
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

struct Reply {
    int status = 0;
    std::string body;
};

Reply call(int port, const std::string& method, const std::string& path, const std::string& body = "")
{
    try {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
        s.setTimeout(Poco::Timespan(300, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("X-Secret-Key", "bench");
        if (!body.empty()) {
            req.setContentType("application/json");
            req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::stringstream ss;
        ss << s.receiveResponse(res).rdbuf();
        return {static_cast<int>(res.getStatus()), ss.str()};
    } catch (const std::exception&) {
        return {};
    }
}

// CPU seconds (user + system) the process has used: on a shared machine the wall-clock factor
// counts time spent waiting for a core, this one only the work.
double cpu_seconds(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::atof(field.c_str());
        if (i == 15) {
            stime = std::atof(field.c_str());
            break;
        }
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_kb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string base64(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

bool sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// The clip's length in seconds, as ffprobe reads it.
double duration_seconds(const std::filesystem::path& p)
{
    FILE* pipe = popen(("ffprobe -v error -show_entries format=duration -of csv=p=0 '" + p.string() + "'").c_str(), "r");
    if (!pipe) return 0;
    char buf[64] = {0};
    const bool ok = fgets(buf, sizeof buf, pipe) != nullptr;
    pclose(pipe);
    return ok ? std::atof(buf) : 0;
}

// Starts `binary agent` with the bench's environment plus `extra`, waits until it answers, and
// returns its pid (0 when it never came up).
pid_t start_server(const std::string& binary, const std::filesystem::path& root, int port,
                   const std::vector<std::pair<std::string, std::string>>& extra)
{
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("GOOSE_PATH_ROOT", root.string().c_str(), 1);
        setenv("GOOSE_PORT", std::to_string(port).c_str(), 1);
        setenv("GOOSE_SERVER__SECRET_KEY", "bench", 1);
        for (const auto& [k, v] : extra) setenv(k.c_str(), v.c_str(), 1);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(binary.c_str(), binary.c_str(), "agent", static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 200 && call(port, "GET", "/status").status != 200; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return call(port, "GET", "/status").status == 200 ? pid : 0;
}

void stop_server(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
}

// The resident set of an idle server started with `extra`, in kB (0 when it did not start).
long idle_rss_kb(const std::string& binary, const std::filesystem::path& root,
                 const std::vector<std::pair<std::string, std::string>>& extra)
{
    std::filesystem::create_directories(root);
    const pid_t pid = start_server(binary, root, free_port(), extra);
    const long rss = pid ? rss_kb(pid) : 0;
    if (pid) stop_server(pid);
    else std::fprintf(stderr, "dictation_bench: a baseline server (%s) did not start\n", binary.c_str());
    return rss;
}

// A copy of the gaggle binary beside a plugin folder holding every shipped plugin but dictation
// (the host scans <binary>/../lib/gaggle/plugins), for the "without the plugin" baseline.
std::string binary_without_dictation(const std::filesystem::path& root)
{
    namespace fs = std::filesystem;
    const fs::path bin = root / "bin", plugins = root / "lib" / "gaggle" / "plugins";
    fs::create_directories(bin);
    fs::create_directories(plugins);
    fs::copy_file(GAGGLE_BINARY, bin / "gaggle", fs::copy_options::overwrite_existing);
    for (const auto& entry : fs::directory_iterator(GAGGLE_BENCH_PLUGIN_DIR))
        if (entry.path().extension() == ".so" && entry.path().filename() != "dictation.so")
            fs::create_symlink(entry.path(), plugins / entry.path().filename());
    return (bin / "gaggle").string();
}

} // namespace

int main(int argc, char** argv)
{
    const int runs = static_cast<int>(std::max(1LL, gaggle::bench::int_option(argc, argv, "--runs", 3)));

    const auto root = std::filesystem::temp_directory_path() / ("gaggle-dictation-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(root);
    const std::string text =
        "please send the quarterly report to the whole team by friday afternoon and remind everyone "
        "that the review meeting has moved to monday morning at ten in the big meeting room";
    const auto wav = root / "clip.wav", webm = root / "clip.webm";
    if (!sh("flite -voice rms -t '" + text + "' -o '" + wav.string() + "'") ||
        !sh("ffmpeg -nostdin -y -loglevel error -i '" + wav.string() + "' -c:a libopus -b:a 32k -ar 48000 '" +
            webm.string() + "'")) {
        std::fprintf(stderr, "dictation_bench: flite and ffmpeg are needed (scripts/setup)\n");
        return 1;
    }
    const double seconds = duration_seconds(webm);
    const std::string audio = base64(read_file(webm));

    // Idle baselines, each its own server in this run.
    const long rss_without_plugin =
        idle_rss_kb(binary_without_dictation(root / "without"), root / "without-data", {});
    const std::string engine = std::string(GAGGLE_BENCH_PLUGIN_DIR) + "/dictation/dictation_engine.so";
    const long rss_engine_at_start = idle_rss_kb(GAGGLE_BINARY, root / "preloaded-data", {{"LD_PRELOAD", engine}});

    const int port = free_port(), closed_port = free_port();
    const pid_t pid = start_server(GAGGLE_BINARY, root, port,
                                   {{"OPENAI_API_KEY", "bench"},
                                    {"OPENAI_HOST", "http://127.0.0.1:" + std::to_string(closed_port)}});
    if (!pid) {
        std::fprintf(stderr, "dictation_bench: the server did not start\n");
        return 1;
    }
    const long rss_before = rss_kb(pid);

    auto body = [&](const char* provider) {
        return Json{{"audio", audio}, {"mime_type", "audio/webm;codecs=opus"}, {"provider", provider}}.dump();
    };
    std::vector<double> local_ms, local_cpu_ms, overhead_ms, cli_ms;
    std::string heard;
    const auto first = Clock::now();
    Reply r = call(port, "POST", "/dictation/transcribe", body("local"));
    const double first_ms = ms_since(first);
    const long rss_after = rss_kb(pid);
    if (r.status != 200) {
        std::fprintf(stderr, "dictation_bench: local transcription failed: %d %s\n", r.status, r.body.c_str());
        stop_server(pid);
        return 1;
    }
    heard = Json::parse(r.body).value("text", "");
    for (int i = 0; i < runs; ++i) {
        const double cpu0 = cpu_seconds(pid);
        auto t = Clock::now();
        call(port, "POST", "/dictation/transcribe", body("local"));
        local_ms.push_back(ms_since(t));
        local_cpu_ms.push_back((cpu_seconds(pid) - cpu0) * 1000);
        t = Clock::now();
        call(port, "POST", "/dictation/transcribe", body("openai")); // decode probe, then a refused connect
        overhead_ms.push_back(ms_since(t));
        t = Clock::now();
        sh("ffmpeg -nostdin -loglevel error -i '" + webm.string() + "' -f s16le -ac 1 -ar 16000 -y /dev/null");
        cli_ms.push_back(ms_since(t));
    }
    stop_server(pid);
    std::filesystem::remove_all(root);

    std::printf("dictation_bench: %.2f s webm/opus clip, %d runs (median), heard: \"%s\"\n", seconds, runs, heard.c_str());
    std::printf("  local transcribe        %8.0f ms   real-time factor %.2f (first request, loading the model: %.0f ms)\n",
                median(local_ms), median(local_ms) / (seconds * 1000), first_ms);
    std::printf("  local, server CPU time  %8.0f ms   CPU real-time factor %.2f (what one free core would take)\n",
                median(local_cpu_ms), median(local_cpu_ms) / (seconds * 1000));
    std::printf("  baseline: HTTP + probe  %8.0f ms   (same clip to the openai backend at a closed port)\n",
                median(overhead_ms));
    std::printf("  baseline: ffmpeg CLI    %8.0f ms   (decode + resample the clip to 16 kHz mono)\n", median(cli_ms));
    std::printf("  resident memory         %8ld MB before any dictation, %ld MB with the en-us model loaded (+%ld MB)\n",
                rss_before / 1024, rss_after / 1024, (rss_after - rss_before) / 1024);
    std::printf("  idle, plugin loaded     %8.1f MB   (the speech engine not loaded yet)\n", rss_before / 1024.0);
    std::printf("  baseline: no plugin     %8.1f MB   (every other plugin; the plugin costs %+.1f MB idle)\n",
                rss_without_plugin / 1024.0, (rss_before - rss_without_plugin) / 1024.0);
    std::printf("  baseline: engine at start %6.1f MB   (FFmpeg + PocketSphinx mapped at start, as when linked into the plugin)\n",
                rss_engine_at_start / 1024.0);
    return 0;
}
