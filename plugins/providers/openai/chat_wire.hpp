#pragma once
// gaggle.chat/1 -> an OpenAI Chat Completions streaming request body.
#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/json.hpp>

namespace gaggle::providers::openai {

// Goose messages as Chat Completions messages: tool requests become assistant tool_calls, each
// tool result a "tool" message (images from tool results follow in a user message, since tool
// messages cannot carry images), user images become image_url data URLs.
Json chat_messages(const ChatRequest& request);

// Tools as [{type:function, function:{name, description, parameters}}]; duplicate names throw.
Json chat_tools(const Json& tools);

// The full request body, with streaming and usage reporting on.
Json chat_body(const ChatRequest& request);

} // namespace gaggle::providers::openai
