#include "remote_backends.hpp"

#include "dictation_error.hpp"
#include "multipart.hpp"

#include <gaggle_providers/errors.hpp>
#include <gaggle_providers/http_client.hpp>

#include <nlohmann/json.hpp>

namespace gaggle::dictation {
namespace {

// The same services and request shapes as goose's dictation providers. Groq and ElevenLabs accept a
// host override too (GROQ_HOST, ELEVENLABS_HOST), so a proxy or a test server can stand in.
const RemoteBackend openai{"openai", "OPENAI_API_KEY", "OPENAI_HOST", "https://api.openai.com",
                           "v1/audio/transcriptions", "Authorization", "model", "whisper-1",
                           "Uses OpenAI Whisper API for high-quality transcription.", true, "Settings > Models"};
const RemoteBackend groq{"groq", "GROQ_API_KEY", "GROQ_HOST", "https://api.groq.com/openai",
                         "v1/audio/transcriptions", "Authorization", "model", "whisper-large-v3-turbo",
                         "Uses Groq's hosted Whisper (whisper-large-v3-turbo) for fast transcription.", true,
                         "Settings > Models"};
const RemoteBackend elevenlabs{"elevenlabs", "ELEVENLABS_API_KEY", "ELEVENLABS_HOST", "https://api.elevenlabs.io",
                               "v1/speech-to-text", "xi-api-key", "model_id", "scribe_v1",
                               "Uses ElevenLabs speech-to-text API for advanced voice processing.", false, nullptr};
const RemoteBackend* const all[] = {&openai, &groq, &elevenlabs, nullptr};

std::string join_url(std::string base, const std::string& path)
{
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/" + path;
}

// The service's own words: {"error":{"message"}} (OpenAI, Groq), {"detail":{"message"}} or
// {"detail":"..."} (ElevenLabs), else the body itself, shortened.
std::string upstream_message(const std::string& body)
{
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("detail")) {
        const auto& d = j["detail"];
        if (d.is_string()) return d.get<std::string>();
        if (d.is_object() && d.contains("message") && d["message"].is_string()) return d["message"].get<std::string>();
    }
    std::string m = providers::error_message_from_body(body);
    if (m.size() > 500) m = m.substr(0, 500) + "...";
    return m.empty() ? std::string("(empty response)") : m;
}

} // namespace

const RemoteBackend* const* remote_backends() { return all; }

const RemoteBackend* find_remote_backend(const std::string& id)
{
    for (const RemoteBackend* const* b = all; *b; ++b)
        if (id == (*b)->id) return *b;
    return nullptr;
}

std::string remote_base_url(const sdk::Host& host, const RemoteBackend& backend)
{
    if (backend.host_key)
        if (auto v = host.config(backend.host_key); v && !v->empty()) return *v;
    return backend.default_base;
}

bool remote_configured(const sdk::Host& host, const RemoteBackend& backend)
{
    auto key = host.secret(backend.key_name);
    return key && !key->empty();
}

std::string transcribe_remote(const sdk::Host& host, const RemoteBackend& backend, const TranscribeRequest& request,
                              std::chrono::milliseconds timeout)
{
    const auto key = host.secret(backend.key_name);
    if (!key || key->empty()) throw DictationError(412, std::string(backend.key_name) + " not configured");

    const MultipartBody form = build_multipart({"file", "audio." + request.extension, request.mime_type, request.audio},
                                               {{backend.model_field, backend.model}});
    providers::HttpRequest http;
    http.method = "POST";
    http.url = join_url(remote_base_url(host, backend), backend.path);
    http.headers.emplace_back("Content-Type", form.content_type);
    http.headers.emplace_back("Accept", "application/json");
    http.headers.emplace_back(backend.auth_header,
                              std::string(backend.auth_header) == "Authorization" ? "Bearer " + *key : *key);
    http.body = form.body;
    http.idle_timeout = timeout;
    http.connect_timeout = timeout;

    int status = 0;
    std::string body;
    constexpr std::size_t max_response = 4 * 1024 * 1024;
    const providers::HttpClient client(host);
    const providers::HttpOutcome outcome = client.perform(
        http, [&](int s, const providers::Headers&) { status = s; return true; },
        [&](std::string_view chunk) {
            if (body.size() + chunk.size() > max_response) return false;
            body.append(chunk);
            return true;
        },
        sdk::Cancel(nullptr));
    const std::string who = std::string(backend.id) + " transcription API";
    if (outcome.status == GAGGLE_ERR_TIMEOUT) throw DictationError(504, who + " request timeout: " + outcome.message);
    if (outcome.status == GAGGLE_ERR_CANCELLED) throw DictationError(502, who + " error: response larger than 4 MiB");
    if (outcome.status != GAGGLE_OK) throw DictationError(502, who + " unreachable: " + outcome.message);

    if (status == 401 || status == 403) throw DictationError(401, "Invalid API key: " + upstream_message(body));
    if (status == 429) throw DictationError(429, "Rate limit exceeded: " + upstream_message(body));
    if (status == 408 || status == 504) throw DictationError(504, who + " timeout: " + upstream_message(body));
    if (status < 200 || status >= 300)
        throw DictationError(502, who + " error (HTTP " + std::to_string(status) + "): " + upstream_message(body));

    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
        throw DictationError(502, who + " error: response has no `text` field");
    return j["text"].get<std::string>();
}

} // namespace gaggle::dictation
