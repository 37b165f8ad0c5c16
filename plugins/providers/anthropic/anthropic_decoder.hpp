#pragma once
// Messages API stream -> events. Text deltas pass straight through; a tool_use block is emitted
// once its input JSON is complete; a thinking block is emitted whole with its signature (so the
// host can send it back verbatim); usage adds cache reads/writes to the input count.
#include <gaggle_providers/sse_parser.hpp>
#include <gaggle_providers/stream_runner.hpp>

#include <map>
#include <string>

namespace gaggle::providers::anthropic {

class AnthropicDecoder : public StreamDecoder {
public:
    explicit AnthropicDecoder(DecoderContext& context);
    void feed(std::string_view bytes) override;
    void finish() override;

private:
    struct Block {
        std::string type, id, name, text, signature, data;
    };
    void on_event(const SseEvent& event);
    void block_stop(int index);

    DecoderContext& ctx_;
    SseParser sse_;
    std::map<int, Block> blocks_;
    std::int64_t input_tokens_ = 0, output_tokens_ = 0;
    std::string stop_reason_;
    bool done_ = false;
};

} // namespace gaggle::providers::anthropic
