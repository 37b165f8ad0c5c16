// The HTTP transport plugin: MCP servers reached over the network. `streamable_http` is the
// current transport (streamable_http_connection.hpp), `sse` the legacy one of MCP 2024-11-05
// (legacy_sse_connection.hpp). The plugin moves frames; the host owns
// JSON-RPC, the lifecycle and capabilities. Outbound HTTP is the host's ("gaggle.host.http/1"),
// so TLS, proxies and cancellation behave as they do for providers.
#include "http_endpoint.hpp"
#include "legacy_sse_connection.hpp"
#include "streamable_http_connection.hpp"

#include <gaggle/cpp/plugin.hpp>


namespace {

using namespace gaggle;

const char* const served_types[] = {"streamable_http", "sse", nullptr};

class HttpTransport final : public sdk::Plugin, public sdk::Transport {
public:
    HttpTransport(sdk::Host host, std::string_view) : Plugin(host) {}
    const char* const* types() const noexcept override { return served_types; }

    sdk::Connection* open(std::string_view config_json, const sdk::OpenContext& context, sdk::FrameSink inbound) override
    {
        http_transport::Endpoint endpoint = http_transport::make_endpoint(config_json, context);
        if (endpoint.type == "sse") return new http_transport::LegacySseConnection(host(), std::move(endpoint), inbound);
        return new http_transport::StreamableHttpConnection(host(), std::move(endpoint), inbound);
    }
};

} // namespace

GAGGLE_PLUGIN(HttpTransport, "streamable_http", "Streamable HTTP transport", "0.1.0",
              "MCP servers over HTTP: Streamable HTTP (sessions, resumable streams) and the legacy HTTP+SSE transport")
