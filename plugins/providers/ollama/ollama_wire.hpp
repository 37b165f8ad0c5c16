#pragma once
// gaggle.chat/1 -> an Ollama /api/chat streaming request body, and OLLAMA_HOST normalisation.
#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/json.hpp>

#include <string>
#include <string_view>

namespace gaggle::providers::ollama {

// "localhost" -> "http://localhost:11434", "box:8080" -> "http://box:8080", "https://x" kept;
// the default port is added when no scheme was given, or for a local host. A trailing "/api/chat"
// or "/api" is dropped, so the result is the server root.
std::string server_root(std::string_view host);

Json ollama_body(const ChatRequest& request);

} // namespace gaggle::providers::ollama
