#pragma once
// Turns a checked ExtensionConfig into a running ToolSource for one session: applies the
// allowlist, resolves env_keys from secrets, maps `builtin` to `<this binary> mcp NAME` over
// stdio, and opens the connection through the transport plugins.
#include "agent/mcp_extension.hpp"
#include "config/config.hpp"
#include "mcp/plugin_transports.hpp"

#include <functional>

namespace gaggle {

struct ExtensionSession {
    std::string owner, session_id, working_dir;
};

class ExtensionLauncher {
public:
    ExtensionLauncher(mcp::PluginTransports transports, const Config& config, std::string self_executable);

    // Throws invalid_argument when the allowlist refuses the command, the type cannot run here or
    // a secret named in env_keys is missing. Otherwise returns an extension that is starting
    // (begin_start() called).
    std::shared_ptr<McpExtension> launch(const mcp::ExtensionSpec& spec, const ExtensionSession& session) const;
    // Why the allowlist (GOOSE_ALLOWLIST) refuses this extension's command; nullopt when allowed.
    // Routes answer a refusal with 403.
    std::optional<std::string> refusal(const mcp::ExtensionSpec& spec) const;

    // Answers the sampling/createMessage requests of the servers launched from now on, for their
    // session; unset, they are told sampling is not supported. Set once, before serving.
    using Sampler = std::function<Json(const ExtensionSession& session, const Json& params)>;
    void set_sampler(Sampler sampler) { sampler_ = std::move(sampler); }

private:
    const mcp::PluginTransports transports_;
    const Config& config_;
    std::string self_;
    Sampler sampler_;
};

// The path of the running executable (for `builtin` extensions).
std::string current_executable();

} // namespace gaggle
