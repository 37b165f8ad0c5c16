#include "agent/platform/extension_manager_extension.hpp"

#include "agent/agent_manager.hpp"
#include "agent/platform/tool_text_result.hpp"
#include "common/error.hpp"
#include "config/extensions_config.hpp"

namespace gaggle {
namespace {

// Resource listings and contents are cut here: they go into the model's context.
constexpr std::size_t max_listed_resources = 200;
constexpr std::size_t max_resource_text = 64 * 1024;

std::optional<std::string> string_argument(const Json& arguments, const char* name)
{
    if (!arguments.is_object()) return std::nullopt;
    auto it = arguments.find(name);
    if (it == arguments.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
    return it->get<std::string>();
}

// The entry of config.yaml or the bundled table whose key is `key`; null when none.
Json offered_extension(const Config& config, const std::string& key)
{
    const Json listed = ExtensionsConfig::entries(config);
    for (auto& e : listed["extensions"])
        if (mcp::extension_key(e.value("name", std::string())) == key) return e;
    return nullptr;
}

// The MCP extensions of the session that the call is about: the one named, else all.
std::vector<std::shared_ptr<McpExtension>> extensions_in_scope(Agent& agent, const std::optional<std::string>& name)
{
    if (!name) return agent.extensions();
    auto one = agent.extension(mcp::extension_key(*name));
    if (!one) return {};
    return {one};
}

std::string resource_text(const Json& content)
{
    std::string uri = content.value("uri", std::string());
    std::string mime = content.value("mimeType", std::string());
    if (content.contains("text") && content["text"].is_string()) {
        std::string text = content["text"];
        if (text.size() > max_resource_text)
            text = text.substr(0, max_resource_text) + "\n[... cut at " + std::to_string(max_resource_text) + " bytes]";
        return text;
    }
    if (content.contains("blob") && content["blob"].is_string())
        return "[binary resource " + uri + (mime.empty() ? "" : " (" + mime + ")") + ", " +
               std::to_string(content["blob"].get_ref<const std::string&>().size()) + " bytes of base64, not shown]";
    return "[resource " + uri + " has no text]";
}

} // namespace

const std::string& ExtensionManagerExtension::extension_name() const
{
    static const std::string name = "extensionmanager";
    return name;
}

std::vector<ToolSpec> ExtensionManagerExtension::list_tools()
{
    const Json no_arguments{{"type", "object"}, {"properties", Json::object()}};
    const Json extension_name{{"type", "string"}, {"description", "The extension's name, as search_available_extensions lists it"}};
    return {
        ToolSpec{"search_available_extensions",
                 "List the extensions this deployment offers and whether each is on in this session. Use it before "
                 "manage_extensions when a task needs tools you do not have.",
                 no_arguments, true},
        ToolSpec{"manage_extensions",
                 "Switch an available extension on (enable) or off (disable) for this session. Its tools appear or go "
                 "away from the next step on.",
                 Json{{"type", "object"},
                      {"properties", {{"action", {{"type", "string"}, {"enum", Json::array({"enable", "disable"})}}},
                                      {"extension_name", extension_name}}},
                      {"required", Json::array({"action", "extension_name"})}},
                 false},
        ToolSpec{"list_resources",
                 "List the resources (files, documents, data) the session's extensions offer; all extensions unless one "
                 "is named.",
                 Json{{"type", "object"}, {"properties", {{"extension_name", extension_name}}}}, true},
        ToolSpec{"read_resource",
                 "Read one resource by its URI, from the named extension or from the first one that has it.",
                 Json{{"type", "object"},
                      {"properties", {{"uri", {{"type", "string"}, {"description", "The resource's URI"}}}, {"extension_name", extension_name}}},
                      {"required", Json::array({"uri"})}},
                 true},
    };
}

Json ExtensionManagerExtension::call_tool(const ToolContext& ctx, const std::string& tool, const Json& arguments)
{
    if (tool == "search_available_extensions") return search_available(ctx);
    if (tool == "manage_extensions") return manage(ctx, arguments);
    if (tool == "list_resources") return list_resources(ctx, arguments);
    if (tool == "read_resource") return read_resource(ctx, arguments);
    return tool_text_result("Unknown tool extensionmanager__" + tool, true);
}

Json ExtensionManagerExtension::search_available(const ToolContext& ctx)
{
    std::set<std::string> on;
    for (const auto& source : host_.agents.get_or_create(ctx.owner, ctx.session_id)->tools().sources())
        on.insert(source->extension_name());
    std::string out;
    const Json listed = ExtensionsConfig::entries(host_.config);
    for (auto& e : listed["extensions"]) {
        const std::string name = e.value("name", std::string());
        const std::string description = e.contains("description") && e["description"].is_string() ? e["description"].get<std::string>() : "";
        out += "- " + name + (on.count(mcp::extension_key(name)) ? " [on in this session]" : " [off]") +
               (description.empty() ? "" : ": " + description) + "\n";
    }
    if (out.empty()) return tool_text_result("No extensions are available.");
    return tool_text_result("Available extensions:\n" + out);
}

Json ExtensionManagerExtension::manage(const ToolContext& ctx, const Json& arguments)
{
    const auto action = string_argument(arguments, "action");
    const auto name = string_argument(arguments, "extension_name");
    if (!action || (*action != "enable" && *action != "disable") || !name)
        return tool_text_result("manage_extensions needs `action` (enable or disable) and a non-empty `extension_name`.", true);
    try {
        if (*action == "disable") {
            host_.agents.remove_extension(ctx.owner, ctx.session_id, *name);
            return tool_text_result("Extension " + *name + " is off for this session.");
        }
        Json entry = offered_extension(host_.config, mcp::extension_key(*name));
        if (entry.is_null())
            return tool_text_result("No extension named " + *name + " is available; search_available_extensions lists them.", true);
        entry.erase("enabled");
        const mcp::ExtensionSpec spec = mcp::parse_extension_config(entry, "extension " + *name);
        if (const ExtensionLauncher* launcher = host_.agents.extension_launcher())
            if (auto refused = launcher->refusal(spec)) return tool_text_result(*refused, true);
        host_.agents.add_extension(ctx.owner, ctx.session_id, spec);
        return tool_text_result("Extension " + spec.name + " is on for this session; its tools are available from the next step.");
    } catch (const Error& e) {
        return tool_text_result(e.what(), true);
    }
}

Json ExtensionManagerExtension::list_resources(const ToolContext& ctx, const Json& arguments)
{
    const auto name = string_argument(arguments, "extension_name");
    auto agent = host_.agents.get_or_create(ctx.owner, ctx.session_id);
    const auto extensions = extensions_in_scope(*agent, name);
    if (name && extensions.empty()) return tool_text_result("Extension " + *name + " is not running in this session.", true);
    std::string out;
    std::size_t listed = 0;
    for (const auto& extension : extensions) {
        Json resources;
        try {
            resources = extension->list("resources/list", "resources");
        } catch (const std::exception&) {
            continue; // a server without resources (or one that is down) has none to offer
        }
        for (const auto& r : resources) {
            if (!r.is_object() || !r.contains("uri") || !r["uri"].is_string()) continue;
            if (++listed > max_listed_resources) break;
            out += "- " + extension->extension_name() + ": " + r["uri"].get<std::string>();
            if (r.contains("name") && r["name"].is_string()) out += " (" + r["name"].get<std::string>() + ")";
            if (r.contains("mimeType") && r["mimeType"].is_string()) out += " " + r["mimeType"].get<std::string>();
            out += "\n";
        }
    }
    if (listed > max_listed_resources) out += "[... more than " + std::to_string(max_listed_resources) + " resources; name one extension]\n";
    if (out.empty()) return tool_text_result(name ? "Extension " + *name + " offers no resources." : "No extension in this session offers resources.");
    return tool_text_result("Resources:\n" + out);
}

Json ExtensionManagerExtension::read_resource(const ToolContext& ctx, const Json& arguments)
{
    const auto uri = string_argument(arguments, "uri");
    if (!uri) return tool_text_result("read_resource needs a non-empty string argument `uri`.", true);
    const auto name = string_argument(arguments, "extension_name");
    auto agent = host_.agents.get_or_create(ctx.owner, ctx.session_id);
    const auto extensions = extensions_in_scope(*agent, name);
    if (name && extensions.empty()) return tool_text_result("Extension " + *name + " is not running in this session.", true);
    std::string last_error;
    for (const auto& extension : extensions) {
        Json result;
        try {
            result = extension->request("resources/read", Json{{"uri", *uri}});
        } catch (const std::exception& e) {
            last_error = extension->extension_name() + ": " + e.what();
            continue;
        }
        if (!result.is_object() || !result.contains("contents") || !result["contents"].is_array()) continue;
        std::string text;
        for (const auto& c : result["contents"])
            if (c.is_object()) text += (text.empty() ? "" : "\n") + resource_text(c);
        return tool_text_result(text.empty() ? "Resource " + *uri + " is empty." : text);
    }
    return tool_text_result("No extension in this session could read " + *uri + (last_error.empty() ? "." : " (" + last_error + ")."), true);
}

} // namespace gaggle
