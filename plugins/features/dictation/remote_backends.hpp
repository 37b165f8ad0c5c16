#pragma once
// The hosted speech-to-text backends goose offers: OpenAI's (or any OpenAI-compatible Whisper
// server's) /v1/audio/transcriptions, Groq's copy of it, and ElevenLabs' /v1/speech-to-text. Each is
// one multipart POST through the host's outbound HTTP service; keys come from the host config.
#include "transcribe_request.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace gaggle::dictation {

struct RemoteBackend {
    const char* id;
    const char* key_name;      // secret holding the API key
    const char* host_key;      // config key overriding the base URL; nullptr when fixed
    const char* default_base;  // e.g. "https://api.openai.com"
    const char* path;          // e.g. "v1/audio/transcriptions"
    const char* auth_header;   // "Authorization" (Bearer) or "xi-api-key"
    const char* model_field;   // "model" or "model_id"
    const char* model;         // "whisper-1", ...
    const char* description;
    bool uses_provider_config; // the key is the chat provider's own
    const char* settings_path; // where the desktop sets it, when uses_provider_config
};

// openai, groq, elevenlabs; nullptr for any other id.
const RemoteBackend* find_remote_backend(const std::string& id);
const RemoteBackend* const* remote_backends(); // NULL-terminated

// The base URL in use: the host_key's value when set, else the default.
std::string remote_base_url(const sdk::Host& host, const RemoteBackend& backend);
bool remote_configured(const sdk::Host& host, const RemoteBackend& backend);

// Sends the audio and returns the recognised text. Throws DictationError: 412 when the key is not
// configured, 401 when the service refuses it, 429 when it rate-limits, 504 when it does not answer
// within `timeout`, 502 for any other failure, carrying the service's own message.
std::string transcribe_remote(const sdk::Host& host, const RemoteBackend& backend, const TranscribeRequest& request,
                              std::chrono::milliseconds timeout);

} // namespace gaggle::dictation
