#pragma once
// Speech for the dictation tests, made at test time: Debian's flite speaks a sentence into a
// 16 kHz WAV, the ffmpeg CLI re-encodes it (webm/opus at 48 kHz, mp3), and the bytes go to
// /dictation/transcribe as base64 JSON, as the desktop sends them.
#include "server_process.hpp"

#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace gaggle::test::dictation {

inline std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline bool run_quiet(const std::string& command)
{
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// `text` spoken by flite's rms voice into dir/name.wav (16 kHz mono s16).
inline std::filesystem::path speak(const std::filesystem::path& dir, const std::string& name, const std::string& text)
{
    const auto wav = dir / (name + ".wav");
    if (!run_quiet("flite -voice rms -t '" + text + "' -o '" + wav.string() + "'")) return {};
    return wav;
}

// `input` re-encoded by the ffmpeg CLI with the given output arguments, e.g. "-c:a libopus -ar 48000".
inline std::filesystem::path transcode(const std::filesystem::path& input, const std::string& extension,
                                       const std::string& args)
{
    auto out = input;
    out.replace_extension(extension);
    if (!run_quiet("ffmpeg -nostdin -y -loglevel error -i '" + input.string() + "' " + args + " '" + out.string() + "'"))
        return {};
    return out;
}

inline std::string base64(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

inline std::string transcribe_body(const std::string& audio, const std::string& mime, const std::string& provider)
{
    return nlohmann::json{{"audio", base64(audio)}, {"mime_type", mime}, {"provider", provider}}.dump();
}

inline std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::string w;
    for (char c : text + " ") {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') w += static_cast<char>(std::tolower(c));
        else if (!w.empty()) out.push_back(std::move(w)), w.clear();
    }
    return out;
}

// Word-level edit distance (substitutions + deletions + insertions) of hypothesis against reference.
inline std::size_t word_errors(const std::string& reference, const std::string& hypothesis)
{
    const auto r = words(reference), h = words(hypothesis);
    std::vector<std::size_t> prev(h.size() + 1), cur(h.size() + 1);
    for (std::size_t j = 0; j <= h.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= r.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= h.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[h.size()];
}

} // namespace gaggle::test::dictation
