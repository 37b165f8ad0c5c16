#pragma once
// Turning upstream failures into the ABI's error classes. The class decides what the host does
// (re-authenticate, compact the conversation, back off, give up); the message is the provider's
// own words, so a user sees what the service actually said.
#include <gaggle/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gaggle::providers {

struct Failure {
    gaggle_status code = GAGGLE_ERR_INTERNAL;
    std::string message;
    bool retryable = false;                             // worth another attempt (nothing emitted yet)
    std::optional<std::chrono::milliseconds> retry_after; // the server's own wait, when it gave one
};

// The human message inside an error body: {"error":{"message"}} (OpenAI), {"type":"error",
// "error":{"message"}} (Anthropic), {"error":"..."} (Ollama), {"message"} (others), else the body.
std::string error_message_from_body(std::string_view body);

// True when an error text says the prompt does not fit the model's context window.
bool mentions_context_length(std::string_view text);

// A non-2xx HTTP answer as a Failure; `url` is named for 404s (a wrong base path is the usual cause).
Failure classify_http_error(int status, std::string_view body, std::string_view url);

// An error object sent inside a stream (OpenAI {"message","type","code"}, Anthropic {"type","message"}).
Failure classify_stream_error(std::string_view type, std::string_view code, std::string_view message);

// A short name for a status, e.g. "authentication failed", for messages and logs.
const char* status_name(gaggle_status code);

} // namespace gaggle::providers
