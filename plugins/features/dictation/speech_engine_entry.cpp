// dictation_engine.so: the C table the dictation plugin loads on first use (speech_engine_api.h).
// Every call runs the C++ decoder and recognizer and turns their DictationError into a status, so
// no exception leaves this library.
#include "speech_engine_api.h"

#include "audio_decoder.hpp"
#include "dictation_error.hpp"
#include "local_recognizer.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

struct dictation_recognizer {
    gaggle::dictation::LocalRecognizer recognizer;
};

namespace gaggle::dictation {
namespace {

void fill(dictation_engine_result* result, int status, const char* message) noexcept
{
    result->status = status;
    const std::size_t n = std::min<std::size_t>(std::strlen(message), DICTATION_ENGINE_MESSAGE_SIZE - 1);
    std::memcpy(result->message, message, n);
    result->message[n] = '\0';
}

template <class Fn>
void guarded(dictation_engine_result* result, Fn&& fn) noexcept
{
    fill(result, 0, "");
    try {
        fn();
    } catch (const DictationError& e) {
        fill(result, e.status(), e.what());
    } catch (const std::bad_alloc&) {
        fill(result, 500, "out of memory");
    } catch (const std::exception& e) {
        fill(result, 500, e.what());
    } catch (...) {
        fill(result, 500, "unknown failure in the speech engine");
    }
}

ModelFiles files_of(const dictation_engine_model* m)
{
    return ModelFiles{m->acoustic, m->language, m->dictionary};
}

void probe(const char* audio, size_t size, dictation_engine_result* result)
{
    guarded(result, [&] { probe_audio(std::string_view(audio, size)); });
}

dictation_recognizer* recognizer_create(int32_t decoders_per_model)
{
    return new (std::nothrow) dictation_recognizer{LocalRecognizer(decoders_per_model)};
}

void recognizer_destroy(dictation_recognizer* r)
{
    delete r;
}

void transcribe(dictation_recognizer* r, const dictation_engine_model* model, const char* audio, size_t size,
                double max_seconds, char** text, dictation_engine_result* result)
{
    *text = nullptr;
    guarded(result, [&] {
        const std::vector<int16_t> pcm = decode_to_pcm16k(std::string_view(audio, size), max_seconds);
        const std::string heard = r->recognizer.transcribe(files_of(model), pcm);
        *text = static_cast<char*>(std::malloc(heard.size() + 1));
        if (!*text) throw std::bad_alloc();
        std::memcpy(*text, heard.c_str(), heard.size() + 1);
    });
}

void free_text(char* text)
{
    std::free(text);
}

const dictation_engine_v1 table = {sizeof(dictation_engine_v1), &probe, &recognizer_create, &recognizer_destroy,
                                   &transcribe, &free_text};

} // namespace
} // namespace gaggle::dictation

extern "C" __attribute__((visibility("default"))) const dictation_engine_v1* gaggle_dictation_engine_v1(void)
{
    return &gaggle::dictation::table;
}
