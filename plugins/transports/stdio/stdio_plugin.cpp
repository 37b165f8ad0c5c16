// The stdio transport plugin: each connection is one MCP server process (child_process.hpp)
// speaking newline-delimited JSON. It moves frames; the host owns JSON-RPC and the lifecycle.
#include "child_process.hpp"
#include "launch_spec.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <memory>

namespace {

using namespace gaggle;

class StdioConnection final : public sdk::Connection {
public:
    StdioConnection(const stdio::LaunchSpec& spec, sdk::FrameSink sink)
        : sink_(sink),
          child_(spec, stdio::ChildProcess::Callbacks{
                           [this](std::string_view line) { sink_.frame(line); },
                           [this](const std::string& reason) { sink_.closed(GAGGLE_ERR_UNAVAILABLE, reason.c_str()); }})
    {
    }
    void send(std::string_view frame_json) override { child_.write_line(frame_json); }

private:
    sdk::FrameSink sink_;
    stdio::ChildProcess child_; // last: destroyed (and the process ended) first
};

const char* const served_types[] = {"stdio", nullptr};

class StdioTransport final : public sdk::Plugin, public sdk::Transport {
public:
    StdioTransport(sdk::Host host, std::string_view) : Plugin(host) {}
    const char* const* types() const noexcept override { return served_types; }

    sdk::Connection* open(std::string_view config_json, const sdk::OpenContext& context, sdk::FrameSink inbound) override
    {
        // A 1.1 host always passes a context (with AGENT_SESSION_ID at least); a 1.0 host none.
        const bool have_context = !context.env.empty() || !context.working_dir.empty();
        const stdio::LaunchSpec spec = stdio::make_launch_spec(config_json, context.working_dir, context.env, have_context);
        return new StdioConnection(spec, inbound);
    }
};

} // namespace

GAGGLE_PLUGIN(StdioTransport, "stdio", "stdio transport", "0.1.0",
              "MCP servers as child processes speaking newline-delimited JSON-RPC on stdin/stdout")
