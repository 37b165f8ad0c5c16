#include "acp/mcp_servers.hpp"

#include "acp/params.hpp"
#include "mcp/extension_config.hpp"

namespace gaggle::acp {

Json extension_configs(const Json& mcp_servers)
{
    Json configs = Json::array();
    if (mcp_servers.is_null()) return configs;
    if (!mcp_servers.is_array()) throw invalid_params("`mcpServers` must be an array");
    for (size_t i = 0; i < mcp_servers.size(); ++i) {
        const Json& s = mcp_servers[i];
        const std::string where = "mcpServers[" + std::to_string(i) + "]";
        if (!s.is_object()) throw invalid_params("`" + where + "` must be an object");
        if (s.contains("type") && s["type"] != "stdio")
            throw invalid_params("`" + where + ".type`: only stdio MCP servers are supported (mcpCapabilities)");
        Json args = s.value("args", Json::array());
        if (!args.is_array()) throw invalid_params("`" + where + ".args` must be an array of strings");
        for (const auto& a : args)
            if (!a.is_string()) throw invalid_params("`" + where + ".args` must be an array of strings");
        Json envs = Json::object();
        const Json env = s.value("env", Json::array());
        if (!env.is_array()) throw invalid_params("`" + where + ".env` must be an array of {name, value}");
        for (const auto& e : env) {
            if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || !e.contains("value") || !e["value"].is_string())
                throw invalid_params("`" + where + ".env` must be an array of {name, value}");
            envs[e["name"].get<std::string>()] = e["value"];
        }
        Json config{{"type", "stdio"}, {"name", required_string(s, "name", where)}, {"description", "MCP server given by the ACP client"},
                    {"cmd", required_string(s, "command", where)}, {"args", std::move(args)}, {"envs", std::move(envs)},
                    {"timeout", mcp::default_timeout_seconds}};
        mcp::parse_extension_config(config, where); // a wrong or dangerous field fails here, named
        configs.push_back(std::move(config));
    }
    return configs;
}

} // namespace gaggle::acp
