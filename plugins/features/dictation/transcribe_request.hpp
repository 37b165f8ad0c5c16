#pragma once
// POST /dictation/transcribe's body, {"audio": base64, "mime_type", "provider"}, parsed and checked:
// the audio decoded from base64, its size bounded, its MIME type one goose accepts.
#include <cstddef>
#include <string>
#include <string_view>

namespace gaggle::dictation {

// Upstream's limit on the decoded audio (goose-server MAX_AUDIO_SIZE_BYTES).
inline constexpr std::size_t max_audio_bytes = 50u * 1024 * 1024;

struct TranscribeRequest {
    std::string audio;     // the decoded bytes
    std::string mime_type; // as sent, e.g. "audio/webm;codecs=opus"
    std::string extension; // "webm", "mp4", "mp3", "m4a", "wav": the file name upstream APIs want
    std::string provider;  // "openai", "groq", "elevenlabs", "local"
};

// Throws DictationError: 400 for a malformed body, bad base64, empty audio or an unsupported MIME
// type (each naming the field), 413 when the audio exceeds max_audio_bytes.
TranscribeRequest parse_transcribe_request(std::string_view body);

// The file extension goose uses for a MIME type, or "" when goose does not accept it.
std::string extension_for_mime(std::string_view mime_type);

} // namespace gaggle::dictation
