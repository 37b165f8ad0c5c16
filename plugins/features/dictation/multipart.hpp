#pragma once
// A multipart/form-data body (RFC 7578) of text fields and one file, as the transcription APIs of
// OpenAI, Groq and ElevenLabs take it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaggle::dictation {

struct MultipartBody {
    std::string content_type; // "multipart/form-data; boundary=..."
    std::string body;
};

struct MultipartFile {
    std::string field;     // "file"
    std::string filename;  // "audio.webm"
    std::string mime_type; // "audio/webm"
    std::string_view data; // borrowed for the call
};

MultipartBody build_multipart(const MultipartFile& file, const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace gaggle::dictation
