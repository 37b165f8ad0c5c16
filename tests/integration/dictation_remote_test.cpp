// Dictation through the real binary with the hosted backends (openai, groq, elevenlabs) pointed at
// the scripted provider server: the multipart request each real API takes is checked part by part
// with Poco's multipart reader, and the APIs' real error bodies come back as goose's statuses.
#include "dictation_audio.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

using namespace gaggle::test;
using namespace gaggle::test::dictation;
using gaggle::testing::ScriptedProvider;
using Json = nlohmann::json;

namespace {

struct Part {
    std::string name, filename, content_type, body;
};

// The parts of a multipart/form-data body, read by Poco (not by the code under test).
std::map<std::string, Part> parse_multipart(const std::string& content_type, const std::string& body)
{
    std::string boundary;
    Poco::Net::NameValueCollection params;
    std::string type;
    Poco::Net::MessageHeader::splitParameters(content_type, type, params);
    REQUIRE(type == "multipart/form-data");
    boundary = params.get("boundary", "");
    REQUIRE(!boundary.empty());
    std::istringstream in(body);
    Poco::Net::MultipartReader reader(in, boundary);
    std::map<std::string, Part> parts;
    while (reader.hasNextPart()) {
        Poco::Net::MessageHeader header;
        reader.nextPart(header);
        Part p;
        std::string disposition;
        Poco::Net::NameValueCollection dparams;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, dparams);
        p.name = dparams.get("name", "");
        p.filename = dparams.get("filename", "");
        p.content_type = header.get("Content-Type", "");
        Poco::StreamCopier::copyToString(reader.stream(), p.body);
        parts[p.name] = p;
    }
    return parts;
}

// A wav of a few words, made once per test.
std::string small_wav(const TempDir& dir)
{
    const auto wav = speak(dir.path(), "clip", "open the pod bay doors");
    REQUIRE(!wav.empty());
    return read_file(wav);
}

ServerProcess::Options with_env(std::map<std::string, std::string> env)
{
    ServerProcess::Options o;
    o.env = std::move(env);
    return o;
}

} // namespace

TEST_CASE("dictation openai: the real multipart shape goes to /v1/audio/transcriptions and the text comes back")
{
    TempDir dir;
    const std::string wav = small_wav(dir);
    ScriptedProvider api(Json::array({{{"match", {{"path", "/v1/audio/transcriptions"}}},
                                       {"body", {{"text", "Open the pod bay doors."}}}}}));
    api.start();
    ServerProcess server(with_env({{"OPENAI_API_KEY", "sk-test-dictation"}, {"OPENAI_HOST", api.base_url()}}));

    const Json config = Json::parse(server.get("/dictation/config").body);
    CHECK(config["openai"]["configured"] == true);
    CHECK(config["openai"]["host"] == api.base_url());

    const HttpResult r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "openai"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(Json::parse(r.body)["text"] == "Open the pod bay doors.");

    const auto requests = api.requests();
    REQUIRE(requests.size() == 1);
    const auto& sent = requests[0];
    CHECK(sent.method == "POST");
    CHECK(sent.path == "/v1/audio/transcriptions");
    CHECK(sent.header("Authorization") == "Bearer sk-test-dictation");
    const auto parts = parse_multipart(sent.header("Content-Type"), sent.body);
    REQUIRE(parts.count("file") == 1);
    CHECK(parts.at("file").filename == "audio.wav");
    CHECK(parts.at("file").content_type == "audio/wav");
    CHECK(parts.at("file").body == wav); // the client's bytes, untouched
    REQUIRE(parts.count("model") == 1);
    CHECK(parts.at("model").body == "whisper-1");
}

TEST_CASE("dictation openai: upstream errors keep their message and map to goose's statuses")
{
    TempDir dir;
    const std::string wav = small_wav(dir);
    auto error = [](int status, const char* message, const char* type) {
        return Json{{"status", status}, {"error", {{"message", message}, {"type", type}}}};
    };
    ScriptedProvider api(Json::array({error(401, "Incorrect API key provided: sk-wrong.", "invalid_request_error"),
                                      error(429, "You exceeded your current quota.", "insufficient_quota"),
                                      error(400, "Audio file might be corrupted or unsupported", "invalid_request_error"),
                                      error(503, "The server is overloaded.", "server_error")}));
    api.start();
    ServerProcess server(with_env({{"OPENAI_API_KEY", "sk-wrong"}, {"OPENAI_HOST", api.base_url()}}));
    auto post = [&] { return server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "openai")); };
    auto message = [](const HttpResult& r) { return Json::parse(r.body)["message"].get<std::string>(); };

    HttpResult r = post();
    CHECK(r.status == 401);
    CHECK(message(r).find("Incorrect API key provided") != std::string::npos);
    r = post();
    CHECK(r.status == 429);
    CHECK(message(r).find("exceeded your current quota") != std::string::npos);
    r = post();
    CHECK(r.status == 502);
    CHECK(message(r).find("Audio file might be corrupted") != std::string::npos);
    r = post();
    CHECK(r.status == 502);
    CHECK(message(r).find("overloaded") != std::string::npos);
}

TEST_CASE("dictation openai: no key is 412; an unreachable host is 502; a silent one is 504")
{
    TempDir dir;
    const std::string wav = small_wav(dir);
    {
        ServerProcess server;
        const HttpResult r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/webm", "openai"));
        CHECK(r.status == 412);
        CHECK(Json::parse(r.body)["message"].get<std::string>().find("OPENAI_API_KEY not configured") != std::string::npos);
    }
    {
        ServerProcess server(with_env({{"OPENAI_API_KEY", "k"}, {"OPENAI_HOST", "http://127.0.0.1:" + std::to_string(free_port())}}));
        CHECK(server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "openai")).status == 502);
    }
    {
        ScriptedProvider api(Json::array({{{"format", "raw"}, {"chunks", Json::array({{{"stall_ms", 4000}}, {{"raw", "{}"}}})}}}));
        api.start();
        TempDir root;
        std::filesystem::create_directories(root.path() / "config");
        std::ofstream(root.path() / "config" / "config.yaml")
            << "plugins:\n  dictation:\n    config:\n      request_timeout_ms: 500\n";
        ServerProcess::Options o = with_env({{"OPENAI_API_KEY", "k"}, {"OPENAI_HOST", api.base_url()}});
        o.root = root.path();
        ServerProcess server(o);
        const HttpResult r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "openai"));
        CHECK(r.status == 504);
        CHECK(Json::parse(r.body)["message"].get<std::string>().find("timeout") != std::string::npos);
    }
}

TEST_CASE("dictation groq and elevenlabs: their own models, auth headers and error bodies")
{
    TempDir dir;
    const std::string wav = small_wav(dir);
    ScriptedProvider api(Json::array(
        {{{"match", {{"path", "/openai/v1/audio/transcriptions"}}}, {"body", {{"text", "groq heard it"}}}},
         {{"match", {{"path", "/v1/speech-to-text"}}},
          {"body", {{"language_code", "en"}, {"language_probability", 0.98}, {"text", "eleven heard it"}, {"words", Json::array()}}}},
         {{"match", {{"path", "/v1/speech-to-text"}}},
          {"status", 401},
          {"body", {{"detail", {{"status", "invalid_api_key"}, {"message", "Invalid API key"}}}}}}}));
    api.start();
    ServerProcess server(with_env({{"GROQ_API_KEY", "gsk-test"},
                                   {"GROQ_HOST", api.base_url() + "/openai"},
                                   {"ELEVENLABS_API_KEY", "xi-test"},
                                   {"ELEVENLABS_HOST", api.base_url()}}));

    HttpResult r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "groq"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(Json::parse(r.body)["text"] == "groq heard it");
    r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "elevenlabs"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(Json::parse(r.body)["text"] == "eleven heard it");
    r = server.post_json("/dictation/transcribe", transcribe_body(wav, "audio/wav", "elevenlabs"));
    CHECK(r.status == 401);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("Invalid API key") != std::string::npos);

    const auto requests = api.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].header("Authorization") == "Bearer gsk-test");
    CHECK(parse_multipart(requests[0].header("Content-Type"), requests[0].body).at("model").body == "whisper-large-v3-turbo");
    CHECK(requests[1].header("xi-api-key") == "xi-test");
    CHECK(requests[1].header("Authorization") == "");
    const auto parts = parse_multipart(requests[1].header("Content-Type"), requests[1].body);
    CHECK(parts.at("model_id").body == "scribe_v1");
    CHECK(parts.at("file").body == wav);

    const Json config = Json::parse(server.get("/dictation/config").body);
    CHECK(config["groq"]["configured"] == true);
    CHECK(config["elevenlabs"]["configured"] == true);
    CHECK(config["elevenlabs"]["uses_provider_config"] == false);
}
