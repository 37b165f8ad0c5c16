#pragma once
// Where a remote MCP server lives and how to talk to it, read once from the ExtensionConfig when a
// connection opens: the URL, the configured headers with `${VAR}` resolved from what the host
// passed (the config's `envs`, then `env_keys` from secrets), and the request timeout.
#include "gaggle_providers/http_client.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace gaggle::http_transport {

struct Endpoint {
    std::string type;                             // the ExtensionConfig's type: streamable_http or sse
    std::string url;                              // absolute http:// or https:// URL
    providers::Headers headers;                   // configured, resolved, checked
    std::chrono::milliseconds timeout{300'000};   // no byte for this long fails a request
    std::chrono::milliseconds connect_timeout{30'000};
};

// Throws sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT) naming the field when the config is unusable: no
// `uri`, not http(s), a header name that is no HTTP token, a value with a line break (it would
// smuggle another header), or a `${VAR}` that nothing resolves.
Endpoint make_endpoint(std::string_view config_json, const sdk::OpenContext& context, const char* uri_field = "uri");

// `${NAME}` replaced by the value of NAME in `env`; throws sdk::Error when NAME is not there.
std::string expand_variables(std::string_view text, const sdk::OpenContext& context, std::string_view where);

} // namespace gaggle::http_transport
