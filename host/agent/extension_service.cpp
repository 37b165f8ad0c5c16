#include "agent/extension_service.hpp"

#include "common/error.hpp"

#include <Poco/Base64Decoder.h>

#include <sstream>

namespace gaggle {
namespace {

const char* level_name(PermissionLevel l)
{
    switch (l) {
    case PermissionLevel::always_allow: return "always_allow";
    case PermissionLevel::ask_before: return "ask_before";
    case PermissionLevel::never_allow: return "never_allow";
    }
    return "ask_before";
}

std::string base64_decode(const std::string& b64)
{
    std::istringstream in(b64);
    Poco::Base64Decoder decoder(in);
    std::ostringstream out;
    out << decoder.rdbuf();
    return out.str();
}

} // namespace

std::shared_ptr<Agent> ExtensionService::agent_of(const std::string& owner, const std::string& session_id, SessionInfo* info)
{
    SessionInfo session = store_.get_session(owner, session_id); // not_found for another owner's
    if (info) *info = session;
    return agents_.get_or_create(owner, session_id);
}

std::optional<std::string> ExtensionService::refusal(const mcp::ExtensionSpec& spec) const
{
    const ExtensionLauncher* launcher = agents_.extension_launcher();
    return launcher ? launcher->refusal(spec) : std::nullopt;
}

void ExtensionService::add(const std::string& owner, const std::string& session_id, const mcp::ExtensionSpec& spec)
{
    agents_.add_extension(owner, session_id, spec);
}

void ExtensionService::remove(const std::string& owner, const std::string& session_id, const std::string& name)
{
    agents_.remove_extension(owner, session_id, name);
}

Json ExtensionService::tools(const std::string& owner, const std::string& session_id, const std::optional<std::string>& extension_name)
{
    auto agent = agent_of(owner, session_id);
    const std::string prefix = extension_name ? mcp::extension_key(*extension_name) + "__" : "";
    Json out = Json::array();
    for (const auto& t : agent->tools().provider_tools()) {
        const std::string name = t["name"];
        if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
        Json parameters = Json::array();
        if (t["inputSchema"].is_object() && t["inputSchema"].contains("properties") && t["inputSchema"]["properties"].is_object())
            for (auto& [p, schema] : t["inputSchema"]["properties"].items()) parameters.push_back(p);
        const auto rule = permissions_.rule_for(owner, name);
        out.push_back(Json{{"name", name}, {"description", t["description"]}, {"parameters", parameters},
                           {"permission", rule ? Json(level_name(*rule)) : Json(nullptr)}});
    }
    return out;
}

Json ExtensionService::call_tool(const std::string& owner, const std::string& session_id, const std::string& name, const Json& arguments)
{
    SessionInfo session;
    auto agent = agent_of(owner, session_id, &session);
    if (!agent->tools().find(name)) throw not_found("Tool " + name + " not found");
    ToolContext context;
    context.owner = owner;
    context.session_id = session_id;
    context.working_dir = session.working_dir;
    context.tool_request_id = "call_tool";
    context.store = &store_;
    const Json r = agent->tools().call(context, name, arguments.is_null() ? Json::object() : arguments);
    return Json{{"content", r.value("content", Json::array())},
                {"structured_content", r.contains("structuredContent") ? r["structuredContent"] : Json(nullptr)},
                {"is_error", r.value("isError", false)},
                {"_meta", r.contains("_meta") ? r["_meta"] : Json(nullptr)}};
}

Json ExtensionService::read_resource_result(const std::string& owner, const std::string& session_id,
                                            const std::string& extension_name, const std::string& uri)
{
    auto agent = agent_of(owner, session_id);
    auto extension = agent->extension(mcp::extension_key(extension_name));
    if (!extension) throw not_found("Extension " + extension_name + " is not loaded in session " + session_id);
    Json result;
    try {
        result = extension->request("resources/read", Json{{"uri", uri}});
    } catch (const mcp::McpError& e) {
        if (e.kind() == mcp::McpError::Kind::rpc_error) throw not_found("Resource " + uri + ": " + e.what());
        throw Error(ErrorKind::bad_gateway, std::string("Extension ") + extension_name + ": " + e.what());
    } catch (const std::exception& e) {
        throw Error(ErrorKind::bad_gateway, std::string("Extension ") + extension_name + ": " + e.what());
    }
    return result;
}

Json ExtensionService::read_resource(const std::string& owner, const std::string& session_id, const std::string& extension_name,
                                     const std::string& uri)
{
    const Json result = read_resource_result(owner, session_id, extension_name, uri);
    if (!result.contains("contents") || !result["contents"].is_array() || result["contents"].empty())
        throw not_found("Resource " + uri + " has no contents");
    const Json& c = result["contents"][0];
    std::string text = c.contains("text") && c["text"].is_string() ? c["text"].get<std::string>() : "";
    if (text.empty() && c.contains("blob") && c["blob"].is_string()) text = base64_decode(c["blob"]);
    return Json{{"uri", c.value("uri", uri)}, {"mimeType", c.contains("mimeType") ? c["mimeType"] : Json(nullptr)}, {"text", text},
                {"_meta", c.contains("_meta") ? c["_meta"] : Json(nullptr)}};
}

} // namespace gaggle
