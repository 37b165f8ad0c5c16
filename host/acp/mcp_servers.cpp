#include "acp/mcp_servers.hpp"

#include "acp/params.hpp"
#include "common/error.hpp"
#include "mcp/extension_config.hpp"

namespace gaggle::acp {

namespace {

// [{name, value}] as ACP sends env and headers, as the object ExtensionConfig holds.
Json name_values(const Json& s, const char* key, const std::string& where)
{
    Json out = Json::object();
    const Json list = s.value(key, Json::array());
    const std::string field = "`" + where + "." + key + "` must be an array of {name, value}";
    if (!list.is_array()) throw invalid_params(field);
    for (const auto& e : list) {
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("value") || !e["value"].is_string())
            throw invalid_params(field);
        out[e["name"].get<std::string>()] = e["value"];
    }
    return out;
}

Json stdio_config(const Json& s, const std::string& where)
{
    Json args = s.value("args", Json::array());
    if (!args.is_array()) throw invalid_params("`" + where + ".args` must be an array of strings");
    for (const auto& a : args)
        if (!a.is_string()) throw invalid_params("`" + where + ".args` must be an array of strings");
    return Json{{"type", "stdio"}, {"name", required_string(s, "name", where)}, {"description", "MCP server given by the ACP client"},
                {"cmd", required_string(s, "command", where)}, {"args", std::move(args)}, {"envs", name_values(s, "env", where)},
                {"timeout", mcp::default_timeout_seconds}};
}

// ACP's http server is MCP's streamable HTTP; its sse server the legacy transport.
Json remote_config(const Json& s, const std::string& where, const std::string& type)
{
    return Json{{"type", type == "http" ? "streamable_http" : "sse"}, {"name", required_string(s, "name", where)},
                {"description", "MCP server given by the ACP client"}, {"uri", required_string(s, "url", where)},
                {"headers", name_values(s, "headers", where)}, {"timeout", mcp::default_timeout_seconds}};
}

} // namespace

Json extension_configs(const Json& mcp_servers)
{
    Json configs = Json::array();
    if (mcp_servers.is_null()) return configs;
    if (!mcp_servers.is_array()) throw invalid_params("`mcpServers` must be an array");
    for (size_t i = 0; i < mcp_servers.size(); ++i) {
        const Json& s = mcp_servers[i];
        const std::string where = "mcpServers[" + std::to_string(i) + "]";
        if (!s.is_object()) throw invalid_params("`" + where + "` must be an object");
        const Json type = s.value("type", Json("stdio"));
        if (type != "stdio" && type != "http" && type != "sse")
            throw invalid_params("`" + where + ".type` must be stdio, http or sse");
        Json config = type == "stdio" ? stdio_config(s, where) : remote_config(s, where, type.get<std::string>());
        try {
            mcp::parse_extension_config(config, where); // a wrong or dangerous field fails here, named
        } catch (const Error& e) {
            throw invalid_params(e.what());
        }
        configs.push_back(std::move(config));
    }
    return configs;
}

} // namespace gaggle::acp
