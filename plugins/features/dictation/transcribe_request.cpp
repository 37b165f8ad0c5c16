#include "transcribe_request.hpp"

#include "dictation_error.hpp"

#include <nlohmann/json.hpp>

extern "C" {
#include <libavutil/base64.h>
}

#include <algorithm>
#include <cctype>
#include <climits>

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

std::string decode_base64(const std::string& text)
{
    if (!well_formed_base64(text)) throw DictationError(400, "Invalid base64 audio data in field `audio`");
    // The decoded size is known before decoding: refuse oversized audio without allocating it.
    const std::size_t decoded_size = text.size() / 4 * 3 + 3;
    if (decoded_size - 3 > max_audio_bytes)
        throw DictationError(413, "Audio file too large: " + std::to_string(decoded_size / (1024 * 1024)) +
                                      " MB exceeds the limit of " + std::to_string(max_audio_bytes / (1024 * 1024)) +
                                      " MB");
    if (text.size() > static_cast<std::size_t>(INT_MAX)) throw DictationError(413, "Audio file too large");
    std::string out(decoded_size, '\0');
    const int n = av_base64_decode(reinterpret_cast<uint8_t*>(out.data()), text.c_str(), static_cast<int>(out.size()));
    if (n < 0) throw DictationError(400, "Invalid base64 audio data in field `audio`");
    out.resize(static_cast<std::size_t>(n));
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
