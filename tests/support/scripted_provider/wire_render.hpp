#pragma once
// Renders one scripted response into the bytes real providers send: OpenAI Chat Completions and
// Responses SSE, Anthropic Messages SSE, Ollama NDJSON, and each one's real error body. The
// server then plays the frames with their pauses, stalls and connection drops.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace gaggle::testing {

struct Frame {
    std::string bytes;              // written and flushed as one piece
    int delay_ms = 0;               // pause before writing
    int stall_ms = 0;               // pause after writing, watching for the client to leave
    int keepalive_every_ms = 0;     // during the stall, send keep-alive bytes this often
    std::string keepalive;          // the keep-alive bytes for this format
    bool drop = false;              // close the connection abruptly instead of writing
};

// Frames of a streamed 2xx response. Throws std::invalid_argument for an unknown format or chunk.
std::vector<Frame> render_stream(const nlohmann::json& response);

// Content-Type of a streamed response in `format`.
std::string stream_content_type(const std::string& format);

// The provider's real error body for a failed request: {"error":{message,type,param,code}}
// (OpenAI), {"type":"error","error":{type,message}} (Anthropic), {"error":"message"} (Ollama).
std::string error_body(const std::string& format, const nlohmann::json& error);

} // namespace gaggle::testing
