/* The dictation plugin's private boundary to its speech engine (dictation_engine.so), which holds
 * everything that links FFmpeg and PocketSphinx. The plugin dlopens the engine on the first
 * request that needs audio decoded, so a server that never transcribes never maps those libraries
 * (about 22 MB of resident memory). Both sides are built from this folder in one build; the
 * boundary is plain C anyway so that no exception or C++ object crosses a dlopen.
 *
 * This is not part of the plugin SDK: it is one plugin's internal split. */
#ifndef GAGGLE_DICTATION_SPEECH_ENGINE_API_H
#define GAGGLE_DICTATION_SPEECH_ENGINE_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one symbol the engine exports: returns its static table. */
#define DICTATION_ENGINE_ENTRY "gaggle_dictation_engine_v1"
#define DICTATION_ENGINE_MESSAGE_SIZE 512

/* How a call ended: status 0 on success, else the HTTP status the client should get (400
 * undecodable audio, 413 too long, 500 model or engine failure) with a NUL-terminated message. */
typedef struct dictation_engine_result {
    int32_t status;
    char message[DICTATION_ENGINE_MESSAGE_SIZE];
} dictation_engine_result;

/* A PocketSphinx model: three NUL-terminated paths, borrowed for the call. */
typedef struct dictation_engine_model {
    const char* acoustic;
    const char* language;
    const char* dictionary;
} dictation_engine_model;

typedef struct dictation_recognizer dictation_recognizer;

typedef struct dictation_engine_v1 {
    uint32_t struct_size;
    /* [thread-safe] Checks that `audio` is a container FFmpeg can read with an audio stream. */
    void (*probe)(const char* audio, size_t size, dictation_engine_result* result);
    /* [thread-safe] A recognizer keeping up to decoders_per_model PocketSphinx decoders per model,
     * each built on first use. NULL when out of memory. Free with recognizer_destroy. */
    dictation_recognizer* (*recognizer_create)(int32_t decoders_per_model);
    void (*recognizer_destroy)(dictation_recognizer* recognizer);
    /* [thread-safe] Decodes `audio` to 16 kHz mono and recognises it with `model`. On success
     * *text is the words heard ("" for silence), allocated by the engine: free it with free_text. */
    void (*transcribe)(dictation_recognizer* recognizer, const dictation_engine_model* model, const char* audio,
                       size_t size, double max_seconds, char** text, dictation_engine_result* result);
    void (*free_text)(char* text);
} dictation_engine_v1;

typedef const dictation_engine_v1* (*dictation_engine_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_DICTATION_SPEECH_ENGINE_API_H */
