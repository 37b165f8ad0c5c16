#include "chat_wire.hpp"

#include "openai_endpoint.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <set>

namespace gaggle::providers::openai {
namespace {

Json image_part(const std::string& mime_type, const std::string& data)
{
    return Json{{"type", "image_url"}, {"image_url", {{"url", "data:" + mime_type + ";base64," + data}}}};
}

// A user message: plain string content when it is text only (what most compatible servers
// handle best), an array of parts once an image is involved.
void push_user(Json& out, const std::vector<std::string>& texts, const Json& images)
{
    if (texts.empty() && images.empty()) return;
    if (images.empty()) {
        std::string joined;
        for (const auto& t : texts) joined += (joined.empty() ? "" : "\n") + t;
        out.push_back(Json{{"role", "user"}, {"content", joined}});
        return;
    }
    Json parts = Json::array();
    for (const auto& t : texts) parts.push_back(Json{{"type", "text"}, {"text", t}});
    for (const auto& i : images) parts.push_back(i);
    out.push_back(Json{{"role", "user"}, {"content", parts}});
}

void user_message(const Json& message, Json& out, const std::set<std::string>& known_calls)
{
    std::vector<std::string> texts;
    Json images = Json::array();
    Json tool_images = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            if (!str_of(item, "text").empty()) texts.push_back(str_of(item, "text"));
        } else if (type == "image") {
            images.push_back(image_part(str_of(item, "mimeType", "image/png"), str_of(item, "data")));
        } else if (type == "toolResponse") {
            const std::string id = str_of(item, "id");
            ToolResult result = tool_response_result(item);
            std::string text = result.is_error ? "The tool call returned the following error:\n" + result.text : result.text;
            if (!result.images.empty()) {
                text += (text.empty() ? "" : "\n") + std::string("This tool result included an image that is uploaded in the next message.");
                for (const auto& img : result.images) tool_images.push_back(image_part(img.mime_type, img.data));
            }
            if (known_calls.count(id))
                out.push_back(Json{{"role", "tool"}, {"tool_call_id", id}, {"content", text}});
            else // a result whose call was never sent (a failed call) would be rejected as orphaned
                texts.push_back("Tool result: " + text);
        }
    }
    if (!tool_images.empty()) push_user(out, {"Images returned by the tool call(s):"}, tool_images);
    push_user(out, texts, images);
}

void assistant_message(const Json& message, Json& out, std::set<std::string>& known_calls)
{
    std::string text, reasoning;
    Json tool_calls = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            text += str_of(item, "text");
        } else if (type == "reasoning") {
            reasoning += str_of(item, "text");
        } else if (type == "toolRequest" || type == "frontendToolRequest") {
            std::string error;
            auto call = tool_request_call(item, &error);
            if (!call) {
                text += (text.empty() ? "" : "\n") + std::string("[tool call failed: ") + error + "]";
                continue;
            }
            const std::string id = str_of(item, "id");
            known_calls.insert(id);
            tool_calls.push_back(Json{{"id", id},
                                      {"type", "function"},
                                      {"function", {{"name", sanitize_tool_name(call->name)}, {"arguments", call->arguments.dump()}}}});
        } // thinking blocks are Anthropic's; they are not sent to OpenAI
    }
    if (text.empty() && tool_calls.empty()) return;
    Json m{{"role", "assistant"}, {"content", text.empty() ? Json(nullptr) : Json(text)}};
    if (!tool_calls.empty()) m["tool_calls"] = tool_calls;
    if (!reasoning.empty()) m["reasoning_content"] = reasoning;
    out.push_back(m);
}

} // namespace

Json chat_messages(const ChatRequest& request)
{
    Json out = Json::array();
    if (!request.system.empty())
        out.push_back(Json{{"role", is_reasoning_model(request.model) ? "developer" : "system"}, {"content", request.system}});
    std::set<std::string> known_calls;
    for (const Json& m : request.messages) {
        if (str_of(m, "role") == "assistant")
            assistant_message(m, out, known_calls);
        else
            user_message(m, out, known_calls);
    }
    return out;
}

Json chat_tools(const Json& tools)
{
    Json out = Json::array();
    for (auto& t : tool_definitions(tools, Json{{"type", "object"}, {"properties", Json::object()}}))
        out.push_back(Json{{"type", "function"},
                           {"function", {{"name", t.name}, {"description", t.description}, {"parameters", t.schema}}}});
    return out;
}

Json chat_body(const ChatRequest& request)
{
    Json body{{"model", request.model}, {"messages", chat_messages(request)}};
    if (!request.tools.empty()) body["tools"] = chat_tools(request.tools);
    const bool reasoning = is_reasoning_model(request.model);
    if (request.temperature && !reasoning) body["temperature"] = *request.temperature;
    if (request.max_tokens) body[reasoning ? "max_completion_tokens" : "max_tokens"] = *request.max_tokens;
    body["stream"] = true;
    body["stream_options"] = Json{{"include_usage", true}};
    for (const auto& [k, v] : request.request_params.items()) body[k] = v;
    return body;
}

} // namespace gaggle::providers::openai
