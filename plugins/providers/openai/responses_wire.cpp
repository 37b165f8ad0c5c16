#include "responses_wire.hpp"

#include "chat_wire.hpp"

#include <set>

namespace gaggle::providers::openai {
namespace {

Json input_image(const std::string& mime_type, const std::string& data)
{
    return Json{{"type", "input_image"}, {"image_url", "data:" + mime_type + ";base64," + data}};
}

void user_items(const Json& message, Json& input, const std::set<std::string>& known_calls)
{
    Json parts = Json::array();
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text" && !str_of(item, "text").empty()) {
            parts.push_back(Json{{"type", "input_text"}, {"text", str_of(item, "text")}});
        } else if (type == "image") {
            parts.push_back(input_image(str_of(item, "mimeType", "image/png"), str_of(item, "data")));
        } else if (type == "toolResponse") {
            const std::string id = str_of(item, "id");
            ToolResult result = tool_response_result(item);
            std::string text = result.is_error ? "The tool call returned the following error:\n" + result.text : result.text;
            for (const auto& img : result.images) parts.push_back(input_image(img.mime_type, img.data));
            if (known_calls.count(id))
                input.push_back(Json{{"type", "function_call_output"}, {"call_id", id}, {"output", text}});
            else
                parts.push_back(Json{{"type", "input_text"}, {"text", "Tool result: " + text}});
        }
    }
    if (!parts.empty()) input.push_back(Json{{"role", "user"}, {"content", parts}});
}

void assistant_items(const Json& message, Json& input, std::set<std::string>& known_calls)
{
    std::string text;
    for (const Json& item : message["content"]) {
        const std::string type = content_type(item);
        if (type == "text") {
            text += str_of(item, "text");
        } else if (type == "toolRequest" || type == "frontendToolRequest") {
            auto call = tool_request_call(item);
            if (!call) continue;
            if (!text.empty()) {
                input.push_back(Json{{"role", "assistant"}, {"content", text}});
                text.clear();
            }
            const std::string id = str_of(item, "id");
            known_calls.insert(id);
            input.push_back(Json{{"type", "function_call"}, {"call_id", id}, {"name", sanitize_tool_name(call->name)},
                                 {"arguments", call->arguments.dump()}});
        }
    }
    if (!text.empty()) input.push_back(Json{{"role", "assistant"}, {"content", text}});
}

} // namespace

Json responses_body(const ChatRequest& request)
{
    Json input = Json::array();
    std::set<std::string> known_calls;
    for (const Json& m : request.messages) {
        if (str_of(m, "role") == "assistant")
            assistant_items(m, input, known_calls);
        else
            user_items(m, input, known_calls);
    }
    Json body{{"model", request.model}};
    if (!request.system.empty()) body["instructions"] = request.system;
    body["input"] = input;
    if (!request.tools.empty()) {
        Json tools = Json::array();
        for (const Json& t : chat_tools(request.tools)) { // same names, schemas and duplicate check
            const Json& fn = t["function"];
            tools.push_back(Json{{"type", "function"}, {"name", fn["name"]}, {"description", fn["description"]},
                                 {"parameters", fn["parameters"]}, {"strict", false}});
        }
        body["tools"] = tools;
    }
    if (request.max_tokens) body["max_output_tokens"] = *request.max_tokens;
    body["store"] = false;
    body["stream"] = true;
    for (const auto& [k, v] : request.request_params.items()) body[k] = v;
    return body;
}

} // namespace gaggle::providers::openai
