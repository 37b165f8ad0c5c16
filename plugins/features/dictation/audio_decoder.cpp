#include "audio_decoder.hpp"

#include "dictation_error.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace gaggle::dictation {
namespace {

std::string av_message(int code)
{
    char text[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, text, sizeof text);
    return text;
}

[[noreturn]] void undecodable(const std::string& what)
{
    throw DictationError(400, "Could not decode the audio: " + what);
}

// The bytes FFmpeg reads through the custom AVIOContext: a cursor over borrowed memory.
struct MemoryReader {
    std::string_view bytes;
    std::size_t pos = 0;

    static int read(void* opaque, uint8_t* buf, int size)
    {
        auto* r = static_cast<MemoryReader*>(opaque);
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(size), r->bytes.size() - r->pos);
        if (n == 0) return AVERROR_EOF;
        std::memcpy(buf, r->bytes.data() + r->pos, n);
        r->pos += n;
        return static_cast<int>(n);
    }
    static int64_t seek(void* opaque, int64_t offset, int whence)
    {
        auto* r = static_cast<MemoryReader*>(opaque);
        const auto size = static_cast<int64_t>(r->bytes.size());
        if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE) return size;
        int64_t target = 0;
        switch (whence & ~AVSEEK_FORCE) {
        case SEEK_SET: target = offset; break;
        case SEEK_CUR: target = static_cast<int64_t>(r->pos) + offset; break;
        case SEEK_END: target = size + offset; break;
        default: return AVERROR(EINVAL);
        }
        if (target < 0 || target > size) return AVERROR(EINVAL);
        r->pos = static_cast<std::size_t>(target);
        return target;
    }
};

// An opened container with its best audio stream. Owns every FFmpeg object it allocates.
class Input {
public:
    explicit Input(std::string_view bytes) : reader_{bytes}
    {
        try {
            open();
        } catch (...) {
            release(); // a throwing constructor gets no destructor call
            throw;
        }
    }
    ~Input() { release(); }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;

    AVFormatContext* format() const { return format_; }
    AVStream* stream() const { return format_->streams[stream_]; }
    int stream_index() const { return stream_; }
    const AVCodec* codec() const { return codec_; }

private:
    void open()
    {
        constexpr int buffer_size = 64 * 1024;
        auto* buffer = static_cast<uint8_t*>(av_malloc(buffer_size));
        if (!buffer) throw DictationError(500, "out of memory");
        avio_ = avio_alloc_context(buffer, buffer_size, 0, &reader_, &MemoryReader::read, nullptr, &MemoryReader::seek);
        if (!avio_) {
            av_free(buffer);
            throw DictationError(500, "out of memory");
        }
        format_ = avformat_alloc_context();
        if (!format_) throw DictationError(500, "out of memory");
        format_->pb = avio_;
        format_->flags |= AVFMT_FLAG_CUSTOM_IO;
        int rc = avformat_open_input(&format_, nullptr, nullptr, nullptr);
        if (rc < 0) undecodable("not a recognised audio container (" + av_message(rc) + ")");
        rc = avformat_find_stream_info(format_, nullptr);
        if (rc < 0) undecodable("could not read stream information (" + av_message(rc) + ")");
        stream_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, -1, &codec_, 0);
        if (stream_ < 0 || !codec_) undecodable("no audio stream FFmpeg can decode");
    }
    void release() noexcept
    {
        avformat_close_input(&format_); // frees format_ (also after a failed open) but not the custom AVIOContext
        if (avio_) av_freep(&avio_->buffer);
        avio_context_free(&avio_);
    }

    MemoryReader reader_;
    AVIOContext* avio_ = nullptr;
    AVFormatContext* format_ = nullptr;
    int stream_ = -1;
    const AVCodec* codec_ = nullptr;
};

struct CodecFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwrFree {
    void operator()(SwrContext* s) const { swr_free(&s); }
};

// Resamples decoded frames into 16 kHz mono s16, appending to `out`. The converter is (re)built
// from each frame's own format, so a stream that changes rate or layout midway still converts.
class Resampler {
public:
    explicit Resampler(std::vector<int16_t>& out) : out_(out) {}
    ~Resampler()
    {
        av_channel_layout_uninit(&in_layout_);
        av_channel_layout_uninit(&frame_layout_);
    }
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    void push(const AVFrame* frame)
    {
        if (needs_setup(frame)) setup(frame);
        convert(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples);
    }
    void flush()
    {
        if (swr_) convert(nullptr, 0);
    }

private:
    bool needs_setup(const AVFrame* f) const
    {
        return !swr_ || f->sample_rate != in_rate_ || f->format != in_format_ ||
               av_channel_layout_compare(&f->ch_layout, &frame_layout_) != 0;
    }
    void setup(const AVFrame* f)
    {
        flush();
        av_channel_layout_uninit(&in_layout_);
        av_channel_layout_uninit(&frame_layout_);
        if (av_channel_layout_copy(&frame_layout_, &f->ch_layout) < 0) undecodable("unsupported channel layout");
        if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || f->ch_layout.nb_channels == 0)
            av_channel_layout_default(&in_layout_, std::max(1, f->ch_layout.nb_channels));
        else if (av_channel_layout_copy(&in_layout_, &f->ch_layout) < 0)
            undecodable("unsupported channel layout");
        in_rate_ = f->sample_rate;
        in_format_ = f->format;
        AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
        SwrContext* raw = nullptr;
        int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, recognizer_sample_rate, &in_layout_,
                                     static_cast<AVSampleFormat>(in_format_), in_rate_, 0, nullptr);
        swr_.reset(raw);
        if (rc < 0 || (rc = swr_init(swr_.get())) < 0) undecodable("cannot resample (" + av_message(rc) + ")");
    }
    void convert(const uint8_t** in, int in_samples)
    {
        const int room = swr_get_out_samples(swr_.get(), in_samples);
        if (room <= 0) return;
        const std::size_t at = out_.size();
        out_.resize(at + static_cast<std::size_t>(room));
        uint8_t* dst = reinterpret_cast<uint8_t*>(out_.data() + at);
        const int got = swr_convert(swr_.get(), &dst, room, in, in_samples);
        if (got < 0) undecodable("resampling failed (" + av_message(got) + ")");
        out_.resize(at + static_cast<std::size_t>(got));
    }

    std::vector<int16_t>& out_;
    std::unique_ptr<SwrContext, SwrFree> swr_;
    AVChannelLayout in_layout_{};    // what the resampler is told (an unspecified layout made concrete)
    AVChannelLayout frame_layout_{}; // what the frames said, to notice a change
    int in_rate_ = 0;
    int in_format_ = -1;
};

} // namespace

AudioInfo probe_audio(std::string_view bytes)
{
    Input input(bytes);
    return AudioInfo{input.format()->iformat->name, input.codec()->name};
}

std::vector<int16_t> decode_to_pcm16k(std::string_view bytes, double max_seconds)
{
    Input input(bytes);
    std::unique_ptr<AVCodecContext, CodecFree> codec(avcodec_alloc_context3(input.codec()));
    if (!codec) throw DictationError(500, "out of memory");
    int rc = avcodec_parameters_to_context(codec.get(), input.stream()->codecpar);
    if (rc >= 0) rc = avcodec_open2(codec.get(), input.codec(), nullptr);
    if (rc < 0) undecodable(std::string("cannot open the ") + input.codec()->name + " decoder (" + av_message(rc) + ")");

    std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
    if (!packet || !frame) throw DictationError(500, "out of memory");

    std::vector<int16_t> pcm;
    Resampler resampler(pcm);
    const auto max_samples = static_cast<std::size_t>(max_seconds * recognizer_sample_rate);
    int decoded_frames = 0;
    auto drain = [&] {
        while ((rc = avcodec_receive_frame(codec.get(), frame.get())) >= 0) {
            ++decoded_frames;
            resampler.push(frame.get());
            av_frame_unref(frame.get());
            if (pcm.size() > max_samples)
                throw DictationError(413, "Audio too long: more than " + std::to_string(static_cast<int>(max_seconds)) +
                                              " seconds");
        }
        // Any other code is a damaged frame: skipped like a corrupt packet.
    };
    while ((rc = av_read_frame(input.format(), packet.get())) >= 0) {
        if (packet->stream_index == input.stream_index()) {
            // A corrupt packet is skipped, as players do; only audio that yields nothing fails.
            if (avcodec_send_packet(codec.get(), packet.get()) >= 0) drain();
        }
        av_packet_unref(packet.get());
    }
    if (rc != AVERROR_EOF && decoded_frames == 0) undecodable("reading failed (" + av_message(rc) + ")");
    avcodec_send_packet(codec.get(), nullptr);
    drain();
    resampler.flush();
    if (decoded_frames == 0) undecodable("the audio stream holds no decodable frames");
    return pcm;
}

} // namespace gaggle::dictation
