// The dictation plugin keeps FFmpeg and PocketSphinx in a separate speech engine library that it
// loads on the first transcription: a server that never transcribes never maps them. Checked on
// the real binary through /proc/<pid>/maps (what the kernel says is mapped, not a counter).
#include "dictation_audio.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace gaggle::test;
using namespace gaggle::test::dictation;

namespace {

std::string mapped_files(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool maps(pid_t pid, const std::string& name)
{
    return mapped_files(pid).find(name) != std::string::npos;
}

} // namespace

TEST_CASE("dictation: FFmpeg and PocketSphinx are mapped only from the first transcription on")
{
    ServerProcess server;
    const pid_t pid = server.pid();
    REQUIRE(maps(pid, "/dictation.so"));
    REQUIRE(server.get("/dictation/config").status == 200);
    REQUIRE(server.get("/dictation/models").status == 200);
    // A request refused while parsing (bad base64) needs no decoder either.
    const auto bad = server.post_json("/dictation/transcribe", R"({"audio":"!!","mime_type":"audio/wav","provider":"local"})");
    CHECK(bad.status == 400);
    CHECK_FALSE(maps(pid, "dictation_engine.so"));
    CHECK_FALSE(maps(pid, "libavcodec"));
    CHECK_FALSE(maps(pid, "libavformat"));
    CHECK_FALSE(maps(pid, "libpocketsphinx"));

    const auto wav = speak(server.root(), "engine", "open the pod bay doors");
    REQUIRE_FALSE(wav.empty());
    const auto r = server.post_json("/dictation/transcribe", transcribe_body(read_file(wav), "audio/wav", "local"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK_FALSE(nlohmann::json::parse(r.body)["text"].get<std::string>().empty());
    CHECK(maps(pid, "dictation_engine.so"));
    CHECK(maps(pid, "libavcodec"));
    CHECK(maps(pid, "libpocketsphinx"));
}
