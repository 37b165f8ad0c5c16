#pragma once
// Responses API stream -> events: output_text deltas, reasoning summary deltas, function calls
// (complete at response.output_item.done), usage and the end at response.completed/incomplete.
#include <gaggle_providers/sse_parser.hpp>
#include <gaggle_providers/stream_runner.hpp>

#include <map>
#include <string>

namespace gaggle::providers::openai {

class ResponsesDecoder : public StreamDecoder {
public:
    explicit ResponsesDecoder(DecoderContext& context);
    void feed(std::string_view bytes) override;
    void finish() override;

private:
    void on_event(const SseEvent& event);
    void end(const Json& response, const char* reason);

    DecoderContext& ctx_;
    SseParser sse_;
    std::map<std::string, std::string> arguments_; // item id -> arguments so far
    bool had_tool_calls_ = false;
    bool done_ = false;
};

} // namespace gaggle::providers::openai
