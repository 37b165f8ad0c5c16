// The Anthropic provider plugin: Claude models through the Messages API, streamed through the
// host's outbound HTTP service.
#include "anthropic_decoder.hpp"
#include "anthropic_wire.hpp"

#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/settings.hpp>
#include <gaggle_providers/stream_runner.hpp>

#include <gaggle/cpp/plugin.hpp>

#include <algorithm>

namespace gaggle::providers::anthropic {
namespace {

constexpr const char* kApiVersion = "2023-06-01";

bool ends_with(const std::string& s, std::string_view p)
{
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

struct Endpoint {
    std::string messages_url, models_url;
    Headers headers;
};

// ANTHROPIC_HOST (or a declarative provider's base_url) may be a bare host, a ".../v1" root or
// the full ".../v1/messages" endpoint.
Endpoint resolve_endpoint(const sdk::Host& host, const std::optional<Connection>& connection)
{
    Endpoint e;
    std::string base = with_scheme(connection && connection->base_url ? *connection->base_url
                                                                      : config_value(host, "ANTHROPIC_HOST").value_or("https://api.anthropic.com"));
    if (connection && connection->base_path) base = join_url(base, *connection->base_path);
    if (ends_with(base, "/messages")) base = base.substr(0, base.size() - std::string_view("/messages").size());
    else if (!ends_with(base, "/v1")) base = join_url(base, "v1");
    e.messages_url = base + "/messages";
    e.models_url = base + "/models";
    std::optional<std::string> key = connection ? connection_api_key(host, *connection) : std::nullopt;
    if (!key) key = secret_value(host, "ANTHROPIC_API_KEY");
    if (key) e.headers.emplace_back("x-api-key", *key);
    e.headers.emplace_back("anthropic-version", kApiVersion);
    if (connection)
        for (const auto& h : connection->headers) e.headers.push_back(h);
    return e;
}

ThinkingConfig read_thinking(const sdk::Host& host)
{
    ThinkingConfig t;
    const std::string enabled = config_value(host, "CLAUDE_THINKING_ENABLED").value_or("");
    t.enabled = enabled == "true" || enabled == "1" || enabled == "yes";
    if (auto budget = config_value(host, "CLAUDE_THINKING_BUDGET")) {
        try {
            t.budget_tokens = std::max<std::int64_t>(1024, std::stoll(*budget));
        } catch (const std::exception&) {
            host.warn("ignoring CLAUDE_THINKING_BUDGET: not a number: " + *budget);
        }
    }
    return t;
}

Json describe_anthropic()
{
    Json models = Json::array();
    for (const char* name : {"claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-sonnet-4-0",
                             "claude-3-7-sonnet-latest", "claude-3-5-haiku-latest"})
        models.push_back(Json{{"name", name}, {"context_limit", 200000}});
    Json keys = Json::array({Json{{"name", "ANTHROPIC_API_KEY"}, {"required", true}, {"secret", true}},
                             Json{{"name", "ANTHROPIC_HOST"}, {"required", true}, {"secret", false}, {"default", "https://api.anthropic.com"}}});
    return Json::array({Json{{"name", "anthropic"},
                             {"display_name", "Anthropic"},
                             {"description", "Claude and other models from Anthropic"},
                             {"default_model", "claude-sonnet-4-5"},
                             {"known_models", models},
                             {"model_doc_link", "https://docs.anthropic.com/en/docs/about-claude/models"},
                             {"config_keys", keys}}});
}

class AnthropicProvider : public sdk::Plugin, public sdk::Provider {
public:
    AnthropicProvider(sdk::Host host, std::string_view) : Plugin(host) {}

    std::string describe() override { return describe_anthropic().dump(); }

    void stream(std::string_view request_json, const sdk::EventSink& sink, const sdk::Cancel& cancel) override
    {
        const ChatRequest request = parse_chat_request(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), request.connection);
        StreamCall call;
        call.provider = request.provider.empty() ? "anthropic" : request.provider;
        call.request.method = "POST";
        call.request.url = endpoint.messages_url;
        call.request.headers = endpoint.headers;
        call.request.headers.emplace_back("Content-Type", "application/json");
        call.request.headers.emplace_back("Accept", "text/event-stream");
        call.request.body = anthropic_body(request, read_thinking(host())).dump(-1, ' ', false, Json::error_handler_t::replace);
        call.make_decoder = [](DecoderContext& ctx) { return std::make_unique<AnthropicDecoder>(ctx); };
        run_stream(host(), read_stream_settings(host()), call, sink, cancel);
    }

    std::string list_models(std::string_view request_json) override
    {
        const Json j = parse_untrusted(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), parse_connection(j.is_object() ? j : Json::object()));
        const StreamSettings settings = read_stream_settings(host());
        std::vector<std::string> names;
        std::string after;
        for (int page = 0; page < 20; ++page) { // the listing is paged; 20 x 1000 is plenty
            HttpRequest request;
            request.method = "GET";
            request.url = endpoint.models_url + "?limit=1000" + (after.empty() ? "" : "&after_id=" + after);
            request.headers = endpoint.headers;
            request.headers.emplace_back("Accept", "application/json");
            request.connect_timeout = settings.connect_timeout;
            request.idle_timeout = settings.idle_timeout;
            const std::string body = HttpClient(host()).fetch(request, sdk::Cancel(nullptr));
            const Json listing = parse_untrusted(body);
            const Json& data = at_or_null(listing, "data");
            if (!data.is_array()) throw sdk::Error(GAGGLE_ERR_SERVER, "anthropic: unexpected models listing: " + excerpt(body, 200));
            for (const Json& m : data)
                if (!str_of(m, "id").empty()) names.push_back(str_of(m, "id"));
            const Json& more = at_or_null(listing, "has_more");
            after = str_of(listing, "last_id");
            if (!more.is_boolean() || !more.get<bool>() || after.empty()) break;
        }
        return Json(names).dump();
    }
};

} // namespace
} // namespace gaggle::providers::anthropic

GAGGLE_PLUGIN(gaggle::providers::anthropic::AnthropicProvider, "anthropic", "Anthropic", "0.1.0",
              "Anthropic Messages API: Claude models with tool use, extended thinking and prompt caching")
