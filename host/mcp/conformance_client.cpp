#include "mcp/conformance_client.hpp"

#include "config/config.hpp"
#include "config/plugin_settings.hpp"
#include "mcp/mcp_client.hpp"
#include "mcp/plugin_transports.hpp"
#include "plugin/plugin_registry.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace gaggle::mcp {
namespace {

// An elicitation accepted with what the requested schema proposes: every field's `default`.
Json accept_with_defaults(const Json& params)
{
    Json content = Json::object();
    const Json schema = params.is_object() ? params.value("requestedSchema", Json::object()) : Json::object();
    if (schema.is_object() && schema.contains("properties") && schema["properties"].is_object())
        for (const auto& [name, property] : schema["properties"].items())
            if (property.is_object() && property.contains("default")) content[name] = property["default"];
    return Json{{"action", "accept"}, {"content", content}};
}

// Arguments for a tool from its input schema: numbers and integers get small values, strings a
// word, booleans true; enough for the suite's tools, which check that a call arrives.
Json sample_arguments(const Json& tool)
{
    Json args = Json::object();
    const Json schema = tool.value("inputSchema", Json::object());
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) return args;
    int n = 2;
    for (const auto& [name, property] : schema["properties"].items()) {
        const std::string type = property.is_object() ? property.value("type", std::string()) : std::string();
        if (type == "number" || type == "integer") args[name] = n++;
        else if (type == "boolean") args[name] = true;
        else if (type == "string") args[name] = "conformance";
    }
    return args;
}

// The tool each scenario is about; empty: the scenario is about the handshake alone.
std::string scenario_tool(const std::string& scenario)
{
    if (scenario == "tools_call") return "add_numbers";
    if (scenario == "elicitation-sep1034-client-defaults") return "test_client_elicitation_defaults";
    if (scenario == "sse-retry") return "test_reconnection";
    return {};
}

} // namespace

int run_conformance_client(const CommandLineOverrides& flags, const std::string& url, const std::string& scenario)
{
    spdlog::set_default_logger(spdlog::stderr_color_mt("mcp-client"));
    auto env = process_environment();
    const Config config = Config::load(Paths::resolve(env), env, flags.config_file);
    const PluginSettings settings = resolve_plugin_settings(config, executable_dir());
    HostServices services;
    services.config_get = [&](const std::string& k) { return config.get_string(k); };
    services.secret_get = [&](const std::string& k) { return config.get_secret(k); };
    PluginRegistry registry(services);
    registry.scan(settings.directories, settings.disabled, [&](const std::string& id) {
        auto it = settings.config_json.find(id);
        return it == settings.config_json.end() ? std::string("{}") : it->second;
    });
    const PluginTransports transports(registry);
    if (!transports.serves("streamable_http")) {
        std::string dirs;
        for (const auto& d : settings.directories) dirs += (dirs.empty() ? "" : ", ") + d;
        spdlog::error("no transport plugin serves streamable_http (plugin directories: {})", dirs.empty() ? "none" : dirs);
        return 1;
    }

    const Json extension = {{"type", "streamable_http"}, {"name", "conformance"}, {"uri", url}, {"timeout", 20}};
    ClientOptions options;
    options.client_name = "gaggle";
    options.client_version = GAGGLE_VERSION;
    options.timeout = std::chrono::seconds(20);
    options.elicitation = accept_with_defaults;
    options.on_notification = [](const std::string& method, const Json&) { spdlog::info("notification {}", method); };
    try {
        McpClient client(options);
        client.connect([&](FrameHandler handler) { return transports.open(extension, ConnectionContext{}, std::move(handler)); });
        spdlog::info("connected: protocol {}, server {}", client.protocol_version(), client.server_info().dump());
        const Json tools = client.list_all("tools/list", "tools");
        spdlog::info("{} tools", tools.size());
        if (const std::string wanted = scenario_tool(scenario); !wanted.empty()) {
            const Json* tool = nullptr;
            for (const auto& t : tools)
                if (t.is_object() && t.value("name", std::string()) == wanted) tool = &t;
            if (!tool) {
                spdlog::error("scenario {}: the server lists no tool {}", scenario, wanted);
                return 1;
            }
            const Json result = client.request("tools/call", Json{{"name", wanted}, {"arguments", sample_arguments(*tool)}});
            spdlog::info("{} answered {}", wanted, result.dump());
            if (result.value("isError", false)) return 1;
        }
    } catch (const std::exception& e) {
        spdlog::error("scenario {}: {}", scenario, e.what());
        return 1;
    }
    return 0;
}

} // namespace gaggle::mcp
