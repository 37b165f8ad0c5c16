#pragma once
// Compressed audio in memory (webm/opus, mp4/aac, mp3, wav, ...) to 16 kHz mono signed 16-bit PCM,
// the input PocketSphinx's en-us model expects. Decoding and resampling are FFmpeg's (libavformat
// reads the container from memory through a custom AVIOContext, libavcodec decodes, libswresample
// mixes down and resamples); nothing here parses a format by hand.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gaggle::dictation {

inline constexpr int recognizer_sample_rate = 16000;

struct AudioInfo {
    const char* container = ""; // FFmpeg's short name, e.g. "matroska,webm" (static)
    const char* codec = "";     // e.g. "opus" (static)
};

// Opens the container and finds an audio stream without decoding it. Throws DictationError(400)
// when the bytes are no audio FFmpeg can read.
AudioInfo probe_audio(std::string_view bytes);

// Decodes the first audio stream whole. Throws DictationError(400) for undecodable audio and
// DictationError(413) when it lasts longer than max_seconds.
std::vector<int16_t> decode_to_pcm16k(std::string_view bytes, double max_seconds);

} // namespace gaggle::dictation
