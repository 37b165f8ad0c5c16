#include "gaggle_providers/chat_request.hpp"
#include "gaggle_providers/settings.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <set>

namespace gaggle::providers {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, message); }

bool agent_visible(const Json& message)
{
    const Json& meta = at_or_null(message, "metadata");
    const Json& visible = at_or_null(meta, "agentVisible");
    return !visible.is_boolean() || visible.get<bool>();
}

// MCP content items as text: text as-is, embedded resources by their text, links by URI.
void append_content_text(const Json& content, ToolResult& out)
{
    const std::string type = content_type(content);
    std::string piece;
    if (type == "text") {
        piece = str_of(content, "text");
    } else if (type == "image") {
        out.images.push_back({str_of(content, "mimeType", "image/png"), str_of(content, "data")});
        return;
    } else if (type == "resource") {
        const Json& r = at_or_null(content, "resource");
        piece = r.contains("text") ? str_of(r, "text") : "[resource " + str_of(r, "uri") + "]";
    } else if (type == "resource_link") {
        piece = "[resource " + str_of(content, "uri") + "]";
    } else if (type == "audio") {
        piece = "[audio content omitted]";
    } else if (content.is_string()) {
        piece = content.get<std::string>();
    }
    if (piece.empty()) return;
    if (!out.text.empty()) out.text += "\n";
    out.text += piece;
}

} // namespace

std::optional<Connection> parse_connection(const Json& j)
{
    const Json& c = at_or_null(j, "connection");
    if (c.is_null()) return std::nullopt;
    if (!c.is_object()) invalid("connection must be an object");
    Connection conn;
    auto opt = [&](const char* key) -> std::optional<std::string> {
        const Json& v = at_or_null(c, key);
        if (v.is_null()) return std::nullopt;
        if (!v.is_string()) invalid(std::string("connection.") + key + " must be a string");
        if (v.get<std::string>().empty()) return std::nullopt;
        return v.get<std::string>();
    };
    conn.base_url = opt("base_url");
    conn.base_path = opt("base_path");
    conn.api_key = opt("api_key");
    conn.api_key_secret = opt("api_key_secret");
    conn.engine = opt("engine");
    const Json& headers = at_or_null(c, "headers");
    if (!headers.is_null()) {
        if (!headers.is_object()) invalid("connection.headers must be an object");
        for (const auto& [k, v] : headers.items()) {
            if (!v.is_string()) invalid("connection.headers." + k + " must be a string");
            conn.headers.emplace_back(k, v.get<std::string>());
        }
    }
    return conn;
}

std::optional<std::string> connection_api_key(const sdk::Host& host, const Connection& connection)
{
    if (connection.api_key_secret)
        if (auto key = secret_value(host, connection.api_key_secret->c_str())) return key;
    return connection.api_key;
}

ChatRequest parse_chat_request(std::string_view text)
{
    Json j = parse_untrusted(text);
    if (!j.is_object()) invalid("chat request is not a JSON object");
    const std::string schema = str_of(j, "schema");
    if (!schema.empty() && schema != "gaggle.chat/1") invalid("unsupported chat request schema: " + schema);
    ChatRequest r;
    r.provider = str_of(j, "provider");
    r.model = str_of(j, "model");
    if (r.model.empty()) invalid("model is required");
    const Json& system = at_or_null(j, "system");
    if (!system.is_null() && !system.is_string()) invalid("system must be a string");
    r.system = str_of(j, "system");

    const Json& messages = at_or_null(j, "messages");
    if (!messages.is_array()) invalid("messages must be an array");
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const Json& m = messages[i];
        const std::string role = str_of(m, "role");
        if (role != "user" && role != "assistant") invalid("messages[" + std::to_string(i) + "].role must be user or assistant");
        if (!at_or_null(m, "content").is_array()) invalid("messages[" + std::to_string(i) + "].content must be an array");
        if (agent_visible(m)) r.messages.push_back(m);
    }

    const Json& tools = at_or_null(j, "tools");
    if (!tools.is_null()) {
        if (!tools.is_array()) invalid("tools must be an array");
        for (std::size_t i = 0; i < tools.size(); ++i)
            if (str_of(tools[i], "name").empty()) invalid("tools[" + std::to_string(i) + "].name is required");
        r.tools = tools;
    }

    const Json& settings = at_or_null(j, "settings");
    if (!settings.is_null() && !settings.is_object()) invalid("settings must be an object");
    const Json& temperature = at_or_null(settings, "temperature");
    if (temperature.is_number()) r.temperature = temperature.get<double>();
    else if (!temperature.is_null()) invalid("settings.temperature must be a number");
    const Json& max_tokens = at_or_null(settings, "max_tokens");
    if (max_tokens.is_number_integer() && max_tokens.get<std::int64_t>() > 0) r.max_tokens = max_tokens.get<std::int64_t>();
    else if (!max_tokens.is_null()) invalid("settings.max_tokens must be a positive integer");
    const Json& params = at_or_null(settings, "request_params");
    if (params.is_object()) r.request_params = params;
    else if (!params.is_null()) invalid("settings.request_params must be an object");

    r.connection = parse_connection(j);
    return r;
}

std::optional<ToolCall> tool_request_call(const Json& item, std::string* error)
{
    const Json& call = at_or_null(item, "toolCall");
    if (str_of(call, "status") == "error" || !call.is_object()) {
        if (error) *error = str_of(call, "error", "invalid tool call");
        return std::nullopt;
    }
    const Json& value = call.contains("value") ? call["value"] : call;
    ToolCall out;
    out.name = str_of(value, "name");
    const Json& args = at_or_null(value, "arguments");
    if (args.is_object()) {
        out.arguments = args;
    } else if (args.is_string()) { // older payloads carried the JSON text
        Json parsed = parse_untrusted(args.get<std::string>());
        if (parsed.is_object()) out.arguments = parsed;
    }
    if (out.name.empty()) {
        if (error) *error = "tool call without a name";
        return std::nullopt;
    }
    return out;
}

ToolResult tool_response_result(const Json& item)
{
    ToolResult out;
    const Json& result = at_or_null(item, "toolResult");
    if (str_of(result, "status") == "error") {
        out.is_error = true;
        out.text = str_of(result, "error", "the tool call failed");
        return out;
    }
    const Json& value = result.contains("value") ? result["value"] : result;
    const Json& content = value.is_array() ? value : at_or_null(value, "content"); // bare array: older shape
    if (content.is_array())
        for (const Json& c : content) append_content_text(c, out);
    if (at_or_null(value, "isError").is_boolean()) out.is_error = value["isError"].get<bool>();
    if (out.text.empty() && out.images.empty()) {
        const Json& structured = at_or_null(value, "structuredContent");
        if (!structured.is_null()) out.text = structured.dump();
    }
    return out;
}

std::string sanitize_tool_name(std::string_view name)
{
    std::string out(name);
    for (char& c : out)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) c = '_';
    return out;
}

std::vector<ToolDefinition> tool_definitions(const Json& tools, const Json& empty_schema)
{
    std::vector<ToolDefinition> out;
    std::set<std::string> names;
    for (const Json& t : tools) {
        std::string name = sanitize_tool_name(str_of(t, "name"));
        if (!names.insert(name).second) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "duplicate tool name: " + name);
        Json schema = at_or_null(t, "inputSchema");
        if (!schema.is_object() || schema.empty()) schema = empty_schema;
        out.push_back({std::move(name), str_of(t, "description"), std::move(schema)});
    }
    return out;
}

} // namespace gaggle::providers
