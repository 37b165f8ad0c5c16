#include "speech_engine.hpp"

#include "dictation_error.hpp"
#include "speech_engine_api.h"

#include <dlfcn.h>

namespace gaggle::dictation {
namespace {

void check(const dictation_engine_result& result)
{
    if (result.status != 0) throw DictationError(result.status, result.message);
}

struct Paths {
    std::string acoustic, language, dictionary;
    dictation_engine_model view() const { return {acoustic.c_str(), language.c_str(), dictionary.c_str()}; }
};

Paths paths_of(const ModelFiles& m)
{
    return Paths{m.acoustic.string(), m.language.string(), m.dictionary.string()};
}

} // namespace

std::filesystem::path speech_engine_path(const std::filesystem::path& plugin_dir)
{
    return plugin_dir / "dictation" / "dictation_engine.so";
}

std::filesystem::path own_library_folder()
{
    static const char anchor = 0; // any address inside this library
    Dl_info info{};
    if (dladdr(&anchor, &info) == 0 || !info.dli_fname) return {};
    return std::filesystem::absolute(info.dli_fname).parent_path();
}

SpeechEngine::SpeechEngine(std::filesystem::path library, int decoders_per_model)
    : library_(std::move(library)), decoders_per_model_(decoders_per_model)
{
}

SpeechEngine::~SpeechEngine()
{
    if (api_ && recognizer_) api_->recognizer_destroy(recognizer_);
}

bool SpeechEngine::loaded() const
{
    std::lock_guard lock(mutex_);
    return api_ != nullptr;
}

const dictation_engine_v1& SpeechEngine::engine()
{
    std::lock_guard lock(mutex_);
    if (api_) return *api_;
    // RTLD_LOCAL: the engine's FFmpeg and PocketSphinx symbols stay out of the global namespace.
    void* lib = dlopen(library_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = dlerror();
        throw DictationError(500, "the speech engine " + library_.string() + " could not be loaded: " +
                                      (why ? why : "unknown error"));
    }
    auto entry = reinterpret_cast<dictation_engine_entry_fn>(dlsym(lib, DICTATION_ENGINE_ENTRY));
    const dictation_engine_v1* api = entry ? entry() : nullptr;
    if (!api || api->struct_size < sizeof(dictation_engine_v1))
        throw DictationError(500, "the speech engine " + library_.string() + " is not one this plugin can use");
    dictation_recognizer* recognizer = api->recognizer_create(decoders_per_model_);
    if (!recognizer) throw DictationError(500, "out of memory");
    // The handle is deliberately never closed: see the header.
    recognizer_ = recognizer;
    api_ = api;
    return *api_;
}

void SpeechEngine::probe(std::string_view audio)
{
    const dictation_engine_v1& api = engine();
    dictation_engine_result result{};
    api.probe(audio.data(), audio.size(), &result);
    check(result);
}

std::string SpeechEngine::transcribe(const ModelFiles& model, std::string_view audio, double max_seconds)
{
    const dictation_engine_v1& api = engine();
    const Paths paths = paths_of(model);
    const dictation_engine_model view = paths.view();
    dictation_engine_result result{};
    char* text = nullptr;
    api.transcribe(recognizer_, &view, audio.data(), audio.size(), max_seconds, &text, &result);
    check(result);
    std::string out = text ? text : "";
    api.free_text(text);
    return out;
}

} // namespace gaggle::dictation
