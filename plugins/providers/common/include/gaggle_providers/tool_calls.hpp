#pragma once
// Tool calls arriving in pieces: arguments streamed as JSON text fragments (OpenAI by index,
// Anthropic by content block) are collected until the call is complete, then parsed once.
#include "gaggle_providers/events.hpp"

#include <map>
#include <string>
#include <string_view>

namespace gaggle::providers {

// Emit one finished call. Arguments text "" means {}; text that is not a JSON object is reported
// on the event as "error" (the host then answers the model with that error instead of running).
void emit_tool_call(Emitter& out, std::string_view id, std::string_view name, std::string_view arguments_text);

// A fresh id for providers that send none (Ollama): "call_" and 24 hex digits.
std::string new_tool_call_id();

// Collects OpenAI-style tool call deltas keyed by index; emits them in index order.
class ToolCallAssembler {
public:
    void add(int index, std::string_view id, std::string_view name, std::string_view arguments_piece);
    // For servers that omit "index": the call with this id, a new call for a new id, else the
    // most recent call (a continuation).
    int index_without_position(std::string_view id) const;
    bool empty() const noexcept { return calls_.empty(); }
    // Emit every collected call once and forget them.
    void emit_all(Emitter& out);

private:
    struct Call {
        std::string id, name, arguments;
    };
    std::map<int, Call> calls_;
};

} // namespace gaggle::providers
