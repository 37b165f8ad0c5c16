#pragma once
// The plugin's handle on its speech engine (dictation_engine.so, see speech_engine_api.h): the
// library is dlopened on the first call that needs audio decoded or recognised, never at plugin
// load, so FFmpeg and PocketSphinx cost a server nothing until someone dictates. Once loaded the
// library stays for the life of the process (FFmpeg and PocketSphinx are not made to be unloaded).
#include "local_models.hpp"

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

struct dictation_engine_v1;
struct dictation_recognizer;

namespace gaggle::dictation {

class SpeechEngine {
public:
    // library: the engine's path; decoders_per_model: PocketSphinx decoders per model.
    SpeechEngine(std::filesystem::path library, int decoders_per_model);
    ~SpeechEngine();
    SpeechEngine(const SpeechEngine&) = delete;
    SpeechEngine& operator=(const SpeechEngine&) = delete;

    // [thread-safe] Throws DictationError(400) when the bytes are no audio FFmpeg can read.
    void probe(std::string_view audio);
    // [thread-safe] The words heard in `audio` (any container FFmpeg reads). Throws
    // DictationError: 400 undecodable, 413 longer than max_seconds, 500 model or engine failure.
    std::string transcribe(const ModelFiles& model, std::string_view audio, double max_seconds);

    // [thread-safe] Whether the engine library has been loaded.
    bool loaded() const;

private:
    // Loads the library and creates the recognizer on the first call; throws DictationError(500)
    // naming the file when it cannot.
    const dictation_engine_v1& engine();

    const std::filesystem::path library_;
    const int decoders_per_model_;
    mutable std::mutex mutex_;
    const dictation_engine_v1* api_ = nullptr;
    dictation_recognizer* recognizer_ = nullptr;
};

// Where the engine is installed: `dictation/dictation_engine.so` under the folder the plugin was
// loaded from (a subfolder, so the host's non-recursive plugin scan never loads it).
std::filesystem::path speech_engine_path(const std::filesystem::path& plugin_dir);

// The folder this plugin's own library was loaded from, found by address (for a host without the
// 1.1 paths service).
std::filesystem::path own_library_folder();

} // namespace gaggle::dictation
