#pragma once
// Offline speech recognition with CMU PocketSphinx. A PocketSphinx decoder is not thread-safe and
// costs tens of megabytes, so each model gets a small pool: a request borrows a decoder, waits
// when all are busy, and gives it back. Decoders are created on first use, never at plugin load.
#include "local_models.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gaggle::dictation {

class DecoderPool;

class LocalRecognizer {
public:
    explicit LocalRecognizer(int decoders_per_model);
    ~LocalRecognizer();
    LocalRecognizer(const LocalRecognizer&) = delete;
    LocalRecognizer& operator=(const LocalRecognizer&) = delete;

    // [thread-safe] The words heard in 16 kHz mono s16 audio, separated by single spaces; "" for
    // silence or noise. Throws DictationError(500) when the model cannot be loaded.
    std::string transcribe(const ModelFiles& model, const std::vector<int16_t>& pcm);

    // [thread-safe] Loads one decoder for `model` now (the benchmark measures memory with it).
    void preload(const ModelFiles& model);

private:
    DecoderPool& pool_for(const ModelFiles& model);

    int decoders_per_model_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<DecoderPool>> pools_; // by acoustic model path
};

} // namespace gaggle::dictation
