#pragma once
// Chat Completions stream -> events. Text and reasoning deltas pass straight through; tool calls
// are assembled by index and emitted when the choice finishes; usage comes from the final chunk
// (stream_options.include_usage); "data: [DONE]" ends the stream.
#include <gaggle_providers/sse_parser.hpp>
#include <gaggle_providers/stream_runner.hpp>
#include <gaggle_providers/tool_calls.hpp>

#include <optional>
#include <string>

namespace gaggle::providers::openai {

class ChatDecoder : public StreamDecoder {
public:
    explicit ChatDecoder(DecoderContext& context);
    void feed(std::string_view bytes) override;
    void finish() override;

private:
    void on_data(const std::string& data);
    void complete();

    DecoderContext& ctx_;
    SseParser sse_;
    ToolCallAssembler calls_;
    std::optional<std::string> finish_reason_;
    bool had_tool_calls_ = false;
    bool done_ = false;
};

// OpenAI finish_reason -> the stop reason vocabulary of events.hpp.
std::string stop_reason(const std::string& finish_reason);

} // namespace gaggle::providers::openai
