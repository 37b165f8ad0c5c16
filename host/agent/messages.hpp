#pragma once
// Building and reading goose Message JSON (goosed-api.md §6.1): the shapes the desktop renders
// and the store keeps byte for byte.
#include "common/json.hpp"
#include "store/session_types.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gaggle {

// "msg_" + a random UUID v4.
std::string new_message_id();
std::int64_t unix_seconds_now();

Json make_message(const std::string& role, Json content, bool user_visible = true, bool agent_visible = true,
                  std::string id = new_message_id());
Json text_content(const std::string& text);
Json tool_request_content(const std::string& id, const std::string& name, const Json& arguments);
Json tool_request_error_content(const std::string& id, const std::string& error);
// A tool result the model can read; is_error marks a failed or declined call.
Json tool_response_content(const std::string& id, const std::string& text, bool is_error);
Json tool_response_content(const std::string& id, const Json& call_tool_result);

// What is wrong with an image from outside (an ACP prompt, an MCP server's sampling request)
// before it goes to a model: "mimeType ..." when it is not an image type, "data ..." when the
// data is not base64, so no provider sends bytes a model cannot decode. nullopt when it is fine.
std::optional<std::string> image_problem(const std::string& data, const std::string& mime_type);

// The plain text of a message's text items, joined.
std::string message_text(const Json& message);
bool agent_visible(const Json& message);

// TokenState (camelCase) from a session's counters; nulls read as 0.
Json token_state(const TokenCounters& t);

} // namespace gaggle
