#pragma once
// Ollama /api/chat NDJSON stream -> events. Each line is one JSON object; tool calls arrive whole
// (Ollama sends no id, so one is made up); the line with "done": true carries usage and the reason.
#include <gaggle_providers/sse_parser.hpp>
#include <gaggle_providers/stream_runner.hpp>

namespace gaggle::providers::ollama {

class OllamaDecoder : public StreamDecoder {
public:
    explicit OllamaDecoder(DecoderContext& context);
    void feed(std::string_view bytes) override;
    void finish() override;

private:
    void on_line(std::string_view line);

    DecoderContext& ctx_;
    LineSplitter lines_;
    bool had_tool_calls_ = false;
    bool done_ = false;
};

} // namespace gaggle::providers::ollama
