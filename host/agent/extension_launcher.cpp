#include "agent/extension_launcher.hpp"

#include "common/error.hpp"
#include "mcp/allowlist.hpp"

#include <filesystem>

namespace gaggle {
namespace {

Json as_stdio(const mcp::ExtensionSpec& spec, const std::string& self)
{
    Json c = spec.config;
    c["type"] = "stdio";
    c["cmd"] = self;
    c["args"] = Json::array({"mcp", spec.name});
    return c;
}

std::vector<std::string> args_of(const Json& c)
{
    std::vector<std::string> args;
    if (c.contains("args") && c["args"].is_array())
        for (auto& a : c["args"]) args.push_back(a.get<std::string>());
    return args;
}

} // namespace

std::string current_executable()
{
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("gaggle") : p.string();
}

ExtensionLauncher::ExtensionLauncher(mcp::PluginTransports transports, const Config& config, std::string self)
    : transports_(std::move(transports)), config_(config), self_(std::move(self))
{
}

std::optional<std::string> ExtensionLauncher::refusal(const mcp::ExtensionSpec& spec) const
{
    if (spec.type != "stdio") return std::nullopt; // builtins are this binary; remote servers run nothing here
    return mcp::allowlist_refusal(config_.get_string("GOOSE_ALLOWLIST"), spec.config["cmd"].get<std::string>(), args_of(spec.config));
}

std::shared_ptr<McpExtension> ExtensionLauncher::launch(const mcp::ExtensionSpec& spec, const ExtensionSession& session) const
{
    if (auto refused = refusal(spec)) throw invalid_argument(*refused);
    Json config = spec.type == "builtin" ? as_stdio(spec, self_) : spec.config;
    const std::string type = config.value("type", std::string());
    if (type == "platform") throw invalid_argument("the platform extension '" + spec.name + "' is not part of this build");
    if (!transports_.serves(type))
        throw invalid_argument("extensions of type '" + type + "' cannot run here: no transport plugin serves them");

    mcp::ConnectionContext context;
    context.working_dir = session.working_dir;
    context.session_id = session.session_id;
    context.env.emplace_back("AGENT_SESSION_ID", session.session_id);
    if (config.contains("envs") && config["envs"].is_object())
        for (auto& [k, v] : config["envs"].items()) context.env.emplace_back(k, v.get<std::string>());
    if (config.contains("env_keys") && config["env_keys"].is_array())
        for (auto& k : config["env_keys"]) {
            const std::string key = k.get<std::string>();
            auto value = config_.get_secret(key);
            if (!value) value = config_.get_string(key);
            if (!value) throw invalid_argument("extension '" + spec.name + "' needs the secret " + key + " (env_keys), which is not set");
            context.env.emplace_back(key, *value);
        }
    // What the plugin sees of the config: no resolved secret in it.
    const mcp::PluginTransports& transports = transports_;
    mcp::ChannelOpener opener = [&transports, config, context](mcp::FrameHandler handler) {
        return transports.open(config, context, std::move(handler));
    };
    mcp::ClientOptions options;
    options.client_name = "gaggle";
    options.client_version = GAGGLE_VERSION;
    options.working_dir = session.working_dir;
    if (sampler_)
        options.sampling = [sampler = sampler_, session](const Json& params) { return sampler(session, params); };
    auto extension = std::make_shared<McpExtension>(spec, std::move(opener), std::move(options));
    extension->begin_start();
    return extension;
}

} // namespace gaggle
