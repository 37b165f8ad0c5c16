#pragma once
// gaggle.chat/1 -> an OpenAI Responses API (/v1/responses) streaming request body, for the models
// Chat Completions does not serve (codex, "-pro").
#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/json.hpp>

namespace gaggle::providers::openai {

Json responses_body(const ChatRequest& request);

} // namespace gaggle::providers::openai
