#include "local_recognizer.hpp"

#include "audio_decoder.hpp"
#include "dictation_error.hpp"

#include <pocketsphinx.h>

#include <algorithm>

namespace gaggle::dictation {
namespace {

// PocketSphinx and sphinxbase keep global state (the log file, the argument tables) while a
// decoder is built, so builds are serialised across every pool.
std::mutex build_mutex;

ps_decoder_t* build_decoder(const ModelFiles& model)
{
    std::lock_guard lock(build_mutex);
    const std::string hmm = model.acoustic.string(), lm = model.language.string(), dict = model.dictionary.string();
    cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                                   dict.c_str(), "-logfn", "/dev/null", nullptr);
    if (!config) throw DictationError(500, "PocketSphinx refused the model in " + model.acoustic.parent_path().string());
    ps_decoder_t* decoder = ps_init(config);
    cmd_ln_free_r(config); // the decoder holds its own reference
    if (!decoder) throw DictationError(500, "PocketSphinx could not load the model in " + model.acoustic.parent_path().string());
    return decoder;
}

void append_hypothesis(ps_decoder_t* decoder, std::string& text)
{
    int32 score = 0;
    const char* hyp = ps_get_hyp(decoder, &score);
    if (!hyp || !*hyp) return;
    if (!text.empty()) text += ' ';
    text += hyp;
}

// Decodes utterance by utterance, cutting where the voice activity detector hears speech end, as
// pocketsphinx_continuous does: long dictation stays accurate and the search stays small.
std::string recognise(ps_decoder_t* decoder, const std::vector<int16_t>& pcm)
{
    constexpr std::size_t chunk = 2048; // 128 ms
    std::string text;
    if (ps_start_utt(decoder) < 0) throw DictationError(500, "PocketSphinx could not start an utterance");
    bool in_speech = false;
    for (std::size_t at = 0; at < pcm.size(); at += chunk) {
        const std::size_t n = std::min(chunk, pcm.size() - at);
        if (ps_process_raw(decoder, pcm.data() + at, n, FALSE, FALSE) < 0)
            throw DictationError(500, "PocketSphinx failed while decoding");
        const bool now = ps_get_in_speech(decoder) != 0;
        if (in_speech && !now) {
            ps_end_utt(decoder);
            append_hypothesis(decoder, text);
            if (ps_start_utt(decoder) < 0) throw DictationError(500, "PocketSphinx could not start an utterance");
        }
        in_speech = now;
    }
    ps_end_utt(decoder);
    append_hypothesis(decoder, text);
    return text;
}

} // namespace

class DecoderPool {
public:
    DecoderPool(ModelFiles model, int max) : model_(std::move(model)), max_(std::max(1, max)) {}
    ~DecoderPool()
    {
        for (ps_decoder_t* d : idle_) ps_free(d);
    }
    DecoderPool(const DecoderPool&) = delete;
    DecoderPool& operator=(const DecoderPool&) = delete;

    // Borrow a decoder for the lifetime of the returned lease.
    class Lease {
    public:
        Lease(DecoderPool& pool, ps_decoder_t* d) : pool_(pool), decoder_(d) {}
        ~Lease() { pool_.give_back(decoder_); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ps_decoder_t* get() const { return decoder_; }

    private:
        DecoderPool& pool_;
        ps_decoder_t* decoder_;
    };

    ps_decoder_t* take()
    {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [&] { return !idle_.empty() || created_ < max_; });
        if (!idle_.empty()) {
            ps_decoder_t* d = idle_.back();
            idle_.pop_back();
            return d;
        }
        ++created_;
        lock.unlock();
        try {
            return build_decoder(model_);
        } catch (...) {
            std::lock_guard relock(mutex_);
            --created_;
            available_.notify_one();
            throw;
        }
    }

private:
    void give_back(ps_decoder_t* d)
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(d);
        available_.notify_one();
    }

    ModelFiles model_;
    const int max_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<ps_decoder_t*> idle_;
    int created_ = 0;
};

LocalRecognizer::LocalRecognizer(int decoders_per_model) : decoders_per_model_(decoders_per_model) {}
LocalRecognizer::~LocalRecognizer() = default;

DecoderPool& LocalRecognizer::pool_for(const ModelFiles& model)
{
    std::lock_guard lock(mutex_);
    auto& pool = pools_[model.acoustic.string() + "|" + model.language.string()];
    if (!pool) pool = std::make_unique<DecoderPool>(model, decoders_per_model_);
    return *pool;
}

std::string LocalRecognizer::transcribe(const ModelFiles& model, const std::vector<int16_t>& pcm)
{
    DecoderPool& pool = pool_for(model);
    DecoderPool::Lease lease(pool, pool.take());
    try {
        return recognise(lease.get(), pcm);
    } catch (...) {
        ps_end_utt(lease.get()); // hand the decoder back between utterances, ready for the next request
        throw;
    }
}

void LocalRecognizer::preload(const ModelFiles& model)
{
    DecoderPool& pool = pool_for(model);
    DecoderPool::Lease lease(pool, pool.take());
}

} // namespace gaggle::dictation
