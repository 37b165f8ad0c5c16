// The dictation feature plugin: goosed's /dictation/* routes. Audio arrives base64 in JSON, is
// checked and decoded here, and goes to one backend: `local` (PocketSphinx, offline) or a hosted
// API (`openai`, `groq`, `elevenlabs`). Handlers parse, call one backend, and write JSON.
#include "dictation_error.hpp"
#include "local_models.hpp"
#include "model_downloads.hpp"
#include "model_folder.hpp"
#include "remote_backends.hpp"
#include "speech_engine.hpp"
#include "transcribe_request.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace gaggle::dictation {
namespace {

using Json = nlohmann::json;

constexpr const char* local_model_key = "LOCAL_WHISPER_MODEL"; // goose's key for the local model id
constexpr const char* default_local_model = "en-us";
constexpr const char* system_model_folder = "/usr/share/pocketsphinx/model";
constexpr const char* local_description =
    "Uses CMU PocketSphinx on this machine for offline transcription. No API key or network needed.";

struct Settings {
    int decoders = 2;                     // PocketSphinx decoders per model (concurrent local requests)
    double max_audio_seconds = 30 * 60;   // longer audio is refused with 413 before recognition
    std::chrono::milliseconds remote_timeout{30000}; // goose's dictation request timeout
    std::string model_base_url;           // where model downloads come from
};

Settings read_settings(const Json& config)
{
    Settings s;
    auto number = [&](const char* key, double fallback) {
        auto it = config.find(key);
        return it != config.end() && it->is_number() && it->get<double>() > 0 ? it->get<double>() : fallback;
    };
    s.decoders = static_cast<int>(number("decoders", s.decoders));
    s.max_audio_seconds = number("max_audio_seconds", s.max_audio_seconds);
    s.remote_timeout = std::chrono::milliseconds(static_cast<long long>(number("request_timeout_ms", 30000)));
    if (auto it = config.find("model_base_url"); it != config.end() && it->is_string())
        s.model_base_url = it->get<std::string>();
    return s;
}

// Model downloads come from the plugin config's model_base_url, else DICTATION_MODEL_BASE_URL;
// with neither, downloads are refused (nothing goes to the network unless asked).
std::string model_base_url(const sdk::Host& host, const Settings& settings)
{
    if (!settings.model_base_url.empty()) return settings.model_base_url;
    return host.config("DICTATION_MODEL_BASE_URL").value_or("");
}

// The speech engine sits in the `dictation/` subfolder of the folder this plugin was loaded from
// (the 1.1 paths service says which; an older host leaves it to the loader's own record).
std::filesystem::path engine_library(const sdk::Host& host)
{
    const auto dir = host.plugin_dir();
    return speech_engine_path(dir ? std::filesystem::path(*dir) : own_library_folder());
}

sdk::Response error_response(int status, const std::string& message)
{
    return sdk::Response::json(Json{{"message", message}}.dump(), status);
}

class DictationPlugin : public sdk::Plugin, public sdk::Feature {
public:
    DictationPlugin(sdk::Host host, std::string_view config_json)
        : Plugin(host), config_(parse_config(config_json)), settings_(read_settings(config_)),
          models_(model_folder(host, config_), system_model_folder), engine_(engine_library(host), settings_.decoders),
          downloads_(host, models_, model_base_url(host, settings_))
    {
    }

    std::vector<sdk::Route> routes() override
    {
        return {{"POST", "/dictation/transcribe"},
                {"GET", "/dictation/config"},
                {"GET", "/dictation/models"},
                {"POST", "/dictation/models/{model_id}/download"},
                {"GET", "/dictation/models/{model_id}/download"},
                {"DELETE", "/dictation/models/{model_id}/download"},
                {"DELETE", "/dictation/models/{model_id}"}};
    }

    sdk::Response handle(size_t route, const sdk::Request& request) override
    {
        try {
            switch (route) {
            case 0: return sdk::Response::json(Json{{"text", transcribe(request.body)}}.dump());
            case 1: return sdk::Response::json(config_status().dump());
            case 2: return sdk::Response::json(models_.listing(model_base_url(host(), settings_)).dump());
            case 3: downloads_.start(model_id(request)); return sdk::Response{202, {}, {}};
            case 4: {
                auto progress = downloads_.progress(model_id(request));
                return progress ? sdk::Response::json(progress->dump()) : error_response(404, "Download not found");
            }
            case 5:
                return downloads_.cancel(model_id(request)) ? sdk::Response{200, {}, {}}
                                                            : error_response(404, "Download not found");
            case 6:
                return downloads_.remove(model_id(request)) ? sdk::Response{200, {}, {}}
                                                            : error_response(404, "Model not downloaded");
            default: return error_response(404, "no such dictation route");
            }
        } catch (const DictationError& e) {
            if (e.status() >= 500) host().warn(std::string("dictation: ") + e.what());
            return error_response(e.status(), e.what());
        }
    }

private:
    static Json parse_config(std::string_view text)
    {
        Json j = Json::parse(text, nullptr, false);
        return j.is_object() ? j : Json::object();
    }

    // Model ids name folders and appear in JSON answers: only [A-Za-z0-9._-], no leading dot.
    static std::string model_id(const sdk::Request& request)
    {
        const std::string id(request.param("model_id"));
        const bool ok = !id.empty() && id.size() <= 128 && id[0] != '.' &&
                        std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
        if (!ok) throw DictationError(404, "No dictation model has that id");
        return id;
    }

    std::string local_model_id() const
    {
        auto id = host().config(local_model_key);
        return id && !id->empty() ? *id : default_local_model;
    }

    std::string transcribe(std::string_view body)
    {
        const TranscribeRequest request = parse_transcribe_request(body);
        if (request.provider == "local") return transcribe_local(request);
        const RemoteBackend* backend = find_remote_backend(request.provider);
        if (!backend)
            throw DictationError(400, "Unknown dictation provider in field `provider`: " + request.provider +
                                          " (expected openai, groq, elevenlabs or local)");
        engine_.probe(request.audio); // undecodable audio is the client's mistake: 400, not the API's 502
        return transcribe_remote(host(), *backend, request, settings_.remote_timeout);
    }

    std::string transcribe_local(const TranscribeRequest& request)
    {
        const std::string id = local_model_id();
        if (!models_.find(id))
            throw DictationError(412, "Local dictation not configured: " + std::string(local_model_key) + " is " + id +
                                          ", which is not a local model (see GET /dictation/models)");
        const auto files = models_.locate(id);
        if (!files)
            throw DictationError(412, "Local dictation not configured: model " + id + " is not downloaded");
        return engine_.transcribe(*files, request.audio, settings_.max_audio_seconds);
    }

    Json config_status() const
    {
        Json out = Json::object();
        for (const RemoteBackend* const* b = remote_backends(); *b; ++b) {
            const RemoteBackend& r = **b;
            Json s{{"configured", remote_configured(host(), r)},
                   {"description", r.description},
                   {"uses_provider_config", r.uses_provider_config}};
            if (auto h = host().config(r.host_key); h && !h->empty()) s["host"] = *h;
            if (r.uses_provider_config) s["settings_path"] = r.settings_path;
            else s["config_key"] = r.key_name;
            out[r.id] = s;
        }
        out["local"] = Json{{"configured", models_.locate(local_model_id()).has_value()},
                            {"description", local_description},
                            {"uses_provider_config", false},
                            {"config_key", local_model_key}};
        return out;
    }

    Json config_;
    Settings settings_;
    LocalModels models_;
    SpeechEngine engine_; // FFmpeg and PocketSphinx, loaded on the first transcription
    ModelDownloads downloads_; // after models_, which it reads
};

} // namespace
} // namespace gaggle::dictation

GAGGLE_PLUGIN(gaggle::dictation::DictationPlugin, "dictation", "Dictation", "1.0.0",
              "Speech to text for goose's /dictation routes: offline PocketSphinx or OpenAI, Groq, ElevenLabs")
