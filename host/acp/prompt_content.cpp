#include "acp/prompt_content.hpp"

#include "acp/params.hpp"
#include "agent/messages.hpp"

namespace gaggle::acp {
namespace {

Json text_item(std::string text) { return Json{{"type", "text"}, {"text", std::move(text)}}; }

// A link is a reference the model can act on with its tools; the agent does not fetch it itself,
// so a link never makes the host read a file the client named.
Json resource_link(const Json& block, const std::string& where)
{
    const std::string& uri = required_string(block, "uri", where);
    const std::string& name = required_string(block, "name", where);
    return text_item("Resource link: " + name + " <" + uri + ">");
}

Json embedded_resource(const Json& block, const std::string& where)
{
    auto r = block.find("resource");
    if (r == block.end() || !r->is_object()) throw invalid_params("`" + where + ".resource` must be an object");
    const std::string at = where + ".resource";
    const std::string& uri = required_string(*r, "uri", at);
    if (!r->contains("text")) throw invalid_params("`" + at + "`: only text resources are supported, not blobs");
    const std::string& text = required_string(*r, "text", at);
    return text_item("Contents of <" + uri + ">:\n" + text);
}

// An image goes to the model as goose's image content; the data is checked to be base64 here, so a
// provider never sends the model bytes it cannot decode.
Json image(const Json& block, const std::string& where)
{
    const std::string& data = required_string(block, "data", where);
    const std::string& mime = required_string(block, "mimeType", where);
    if (auto problem = image_problem(data, mime)) throw invalid_params("`" + where + "`: " + *problem);
    return Json{{"type", "image"}, {"data", data}, {"mimeType", mime}};
}

} // namespace

Json prompt_to_content(const Json& prompt)
{
    if (!prompt.is_array()) throw invalid_params("`prompt` must be an array of content blocks");
    if (prompt.empty()) throw invalid_params("`prompt` must not be empty");
    Json content = Json::array();
    for (size_t i = 0; i < prompt.size(); ++i) {
        const Json& block = prompt[i];
        const std::string where = "prompt[" + std::to_string(i) + "]";
        if (!block.is_object()) throw invalid_params("`" + where + "` must be an object");
        const std::string& type = required_string(block, "type", where);
        if (type == "text") content.push_back(text_item(required_string(block, "text", where)));
        else if (type == "resource_link") content.push_back(resource_link(block, where));
        else if (type == "resource") content.push_back(embedded_resource(block, where));
        else if (type == "image") content.push_back(image(block, where));
        else if (type == "audio") throw invalid_params("`" + where + "`: audio content is not supported (see promptCapabilities)");
        else throw invalid_params("`" + where + ".type` must be text, image, resource_link or resource, not \"" + type + "\"");
    }
    return content;
}

} // namespace gaggle::acp
