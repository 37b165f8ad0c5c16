#include "ollama_wire.hpp"

#include <gaggle_providers/settings.hpp>

#include <gaggle/cpp/plugin.hpp>

#include <map>
#include <set>

namespace gaggle::providers::ollama {
namespace {

bool ends_with(const std::string& s, std::string_view p)
{
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

void user_messages(const Json& message, Json& out, const std::map<std::string, std::string>& call_names)
{
    std::string text;
    Json images = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            const std::string piece = str_of(item, "text");
            if (piece.empty()) continue;
            if (!text.empty()) text += '\n';
            text += piece;
        } else if (type == "image") {
            images.push_back(str_of(item, "data"));
        } else if (type == "toolResponse") {
            const ToolResult result = tool_response_result(item);
            Json m{{"role", "tool"}, {"content", result.is_error ? "The tool call returned the following error:\n" + result.text : result.text}};
            if (auto it = call_names.find(str_of(item, "id")); it != call_names.end()) m["tool_name"] = it->second;
            if (!result.images.empty()) {
                Json tool_images = Json::array();
                for (const auto& img : result.images) tool_images.push_back(img.data);
                m["images"] = tool_images;
            }
            out.push_back(m);
        }
    }
    if (text.empty() && images.empty()) return;
    Json m{{"role", "user"}, {"content", text}};
    if (!images.empty()) m["images"] = images;
    out.push_back(m);
}

void assistant_message(const Json& message, Json& out, std::map<std::string, std::string>& call_names)
{
    std::string text, thinking;
    Json calls = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            text += str_of(item, "text");
        } else if (type == "thinking") {
            thinking += str_of(item, "thinking");
        } else if (type == "toolRequest" || type == "frontendToolRequest") {
            auto call = tool_request_call(item);
            if (!call) continue;
            const std::string name = sanitize_tool_name(call->name);
            call_names[str_of(item, "id")] = name;
            calls.push_back(Json{{"function", {{"name", name}, {"arguments", call->arguments}}}});
        }
    }
    if (text.empty() && calls.empty()) return;
    Json m{{"role", "assistant"}, {"content", text}};
    if (!thinking.empty()) m["thinking"] = thinking;
    if (!calls.empty()) m["tool_calls"] = calls;
    out.push_back(m);
}

} // namespace

std::string server_root(std::string_view host)
{
    const bool had_scheme = host.find("://") != std::string_view::npos;
    std::string url = with_scheme(host, "http");
    for (std::string_view suffix : {"/api/chat", "/api"})
        if (ends_with(url, suffix)) url.resize(url.size() - suffix.size());
    // Host part: between "://" and the first '/'.
    const auto start = url.find("://") + 3;
    const auto slash = url.find('/', start);
    const std::string authority = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    const bool has_port = authority.find(':') != std::string::npos && authority.back() != ']';
    const bool local = authority == "localhost" || authority == "127.0.0.1" || authority == "0.0.0.0" || authority == "[::1]";
    if (!has_port && (!had_scheme || local)) url.insert(slash == std::string::npos ? url.size() : slash, ":11434");
    return url;
}

Json ollama_body(const ChatRequest& request)
{
    Json messages = Json::array();
    if (!request.system.empty()) messages.push_back(Json{{"role", "system"}, {"content", request.system}});
    std::map<std::string, std::string> call_names;
    for (const Json& m : request.messages) {
        if (str_of(m, "role") == "assistant")
            assistant_message(m, messages, call_names);
        else
            user_messages(m, messages, call_names);
    }
    Json body{{"model", request.model}, {"messages", messages}};
    if (!request.tools.empty()) {
        Json tools = Json::array();
        for (auto& t : tool_definitions(request.tools, Json{{"type", "object"}, {"properties", Json::object()}}))
            tools.push_back(Json{{"type", "function"},
                                 {"function", {{"name", t.name}, {"description", t.description}, {"parameters", t.schema}}}});
        body["tools"] = tools;
    }
    body["stream"] = true;
    Json options = Json::object();
    if (request.temperature) options["temperature"] = *request.temperature;
    if (request.max_tokens) options["num_predict"] = *request.max_tokens;
    for (const auto& [k, v] : request.request_params.items()) {
        if (k == "options" && v.is_object())
            for (const auto& [ok, ov] : v.items()) options[ok] = ov;
        else
            body[k] = v;
    }
    if (!options.empty()) body["options"] = options;
    return body;
}

} // namespace gaggle::providers::ollama
