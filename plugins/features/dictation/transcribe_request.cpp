#include "transcribe_request.hpp"

#include "dictation_error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace gaggle::dictation {
namespace {

bool is_base64_char(unsigned char c)
{
    return std::isalnum(c) || c == '+' || c == '/';
}

// libavutil's decoder stops at the first '=' and ignores what follows, so the shape is checked
// here first: alphabet characters, then at most two '=' at the very end.
bool well_formed_base64(std::string_view text)
{
    const std::size_t data_end = text.find('=');
    const std::string_view data = text.substr(0, data_end);
    if (!std::all_of(data.begin(), data.end(), [](char c) { return is_base64_char(static_cast<unsigned char>(c)); }))
        return false;
    if (data_end != std::string_view::npos) {
        const std::string_view pad = text.substr(data_end);
        if (pad.size() > 2 || pad.find_first_not_of('=') != std::string_view::npos) return false;
        if (text.size() % 4 != 0) return false;
    }
    return data.size() % 4 != 1;
}

int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63; // '/': well_formed_base64 let nothing else through
}

std::string decode_base64(const std::string& text)
{
    if (!well_formed_base64(text)) throw DictationError(400, "Invalid base64 audio data in field `audio`");
    // The decoded size is known before decoding: refuse oversized audio without allocating it.
    const std::size_t decoded_size = text.size() / 4 * 3 + 3;
    if (decoded_size - 3 > max_audio_bytes)
        throw DictationError(413, "Audio file too large: " + std::to_string(decoded_size / (1024 * 1024)) +
                                      " MB exceeds the limit of " + std::to_string(max_audio_bytes / (1024 * 1024)) +
                                      " MB");
    // Kept here rather than borrowed from FFmpeg, so that parsing a request maps no audio library
    // (those load only with the speech engine, on the first transcription).
    const std::string_view data = std::string_view(text).substr(0, text.find('='));
    std::string out;
    out.reserve(data.size() / 4 * 3 + 2);
    uint32_t bits = 0;
    int held = 0;
    for (const char c : data) {
        bits = (bits << 6) | static_cast<uint32_t>(base64_value(static_cast<unsigned char>(c)));
        held += 6;
        if (held >= 8) {
            held -= 8;
            out.push_back(static_cast<char>((bits >> held) & 0xFF));
        }
    }
    return out;
}

std::string required_string(const nlohmann::json& body, const char* field)
{
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) throw DictationError(400, std::string("missing field `") + field + "`");
    if (!it->is_string()) throw DictationError(400, std::string("field `") + field + "` must be a string");
    return it->get<std::string>();
}

} // namespace

std::string extension_for_mime(std::string_view mime_type)
{
    // The MIME types goose-server accepts, and the file names it gives them upstream.
    if (mime_type == "audio/webm" || mime_type == "audio/webm;codecs=opus") return "webm";
    if (mime_type == "audio/mp4") return "mp4";
    if (mime_type == "audio/mpeg" || mime_type == "audio/mpga") return "mp3";
    if (mime_type == "audio/m4a") return "m4a";
    if (mime_type == "audio/wav" || mime_type == "audio/x-wav") return "wav";
    return "";
}

TranscribeRequest parse_transcribe_request(std::string_view body)
{
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) throw DictationError(400, "request body is not valid JSON");
    if (!j.is_object()) throw DictationError(400, "request body must be a JSON object");

    TranscribeRequest r;
    r.provider = required_string(j, "provider");
    r.mime_type = required_string(j, "mime_type");
    r.extension = extension_for_mime(r.mime_type);
    if (r.extension.empty())
        throw DictationError(400, "Unsupported audio format in field `mime_type`: " + r.mime_type +
                                      " (expected audio/webm, audio/mp4, audio/mpeg, audio/m4a or audio/wav)");
    r.audio = decode_base64(required_string(j, "audio"));
    if (r.audio.empty()) throw DictationError(400, "field `audio` holds no audio data");
    return r;
}

} // namespace gaggle::dictation
