#pragma once
// The "gaggle.chat/1" request the host passes to stream(), and read-only helpers over the goose
// Message JSON it carries (goosed-api.md 6.1), which every provider converts to its own wire shape.
#include "gaggle_providers/http_client.hpp"
#include "gaggle_providers/json.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle::providers {

// A declarative provider's settings, passed by the host instead of the plugin's own config keys.
// The API key travels outside the JSON: api_key_secret names a secret the plugin reads through
// gaggle.host.config/1's get_secret (a host of ABI 1.1). api_key is the 1.0 shape (the key inside
// the request), still accepted from an older host.
struct Connection {
    std::optional<std::string> base_url, base_path, api_key, api_key_secret, engine;
    Headers headers;
};

struct ChatRequest {
    std::string provider, model, system;
    Json messages = Json::array(); // goose Messages, agent-visible only
    Json tools = Json::array();    // [{name, description, inputSchema}]
    std::optional<double> temperature;
    std::optional<std::int64_t> max_tokens;
    Json request_params = Json::object(); // merged into the wire body as-is
    std::optional<Connection> connection;
};

// The connection's API key: the secret named by api_key_secret, else a 1.0 host's inline api_key;
// nullopt when neither gives one.
std::optional<std::string> connection_api_key(const sdk::Host& host, const Connection& connection);

// Parse and check a gaggle.chat/1 request; throws sdk::Error(INVALID_ARGUMENT) naming the field.
ChatRequest parse_chat_request(std::string_view text);

// The "connection" object of a request or list_models call, when present.
std::optional<Connection> parse_connection(const Json& j);

struct Image {
    std::string mime_type, data; // data is base64
};

// A toolRequest item's call; nullopt (with *error set) when goose recorded it as failed.
struct ToolCall {
    std::string name;
    Json arguments = Json::object();
};
std::optional<ToolCall> tool_request_call(const Json& item, std::string* error = nullptr);

// A toolResponse item flattened for providers that take text (plus separate images).
struct ToolResult {
    bool is_error = false;
    std::string text;
    std::vector<Image> images;
};
ToolResult tool_response_result(const Json& item);

// Names the APIs accept: [a-zA-Z0-9_-], anything else becomes '_'.
std::string sanitize_tool_name(std::string_view name);

// A tool as every wire format needs it: the name sanitised, the schema never empty.
struct ToolDefinition {
    std::string name, description;
    Json schema;
};
// The request's tools in order. Two tools whose sanitised names collide are refused
// (GAGGLE_ERR_INVALID_ARGUMENT); a missing or empty schema becomes `empty_schema`.
std::vector<ToolDefinition> tool_definitions(const Json& tools, const Json& empty_schema);

// The item's "type" ("" when missing).
inline std::string content_type(const Json& item) { return str_of(item, "type"); }

} // namespace gaggle::providers
