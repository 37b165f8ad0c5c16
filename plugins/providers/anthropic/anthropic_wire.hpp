#pragma once
// gaggle.chat/1 -> an Anthropic Messages API streaming request body.
#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/json.hpp>

#include <cstdint>
#include <optional>

namespace gaggle::providers::anthropic {

struct ThinkingConfig {
    bool enabled = false;
    std::int64_t budget_tokens = 16000;
};

// Goose messages as Anthropic messages: tool requests become tool_use blocks, tool responses
// tool_result blocks (first in their user message, as the API requires), thinking blocks go back
// with their signatures, and prompt-cache breakpoints mark the last two user turns.
Json anthropic_messages(const Json& messages);

// Tools with an empty schema get {"type":"object"}; the last tool carries a cache breakpoint.
Json anthropic_tools(const Json& tools);

// The output budget when the request sets none: the model's documented maximum.
std::int64_t default_max_tokens(const std::string& model);

Json anthropic_body(const ChatRequest& request, const ThinkingConfig& thinking);

} // namespace gaggle::providers::anthropic
