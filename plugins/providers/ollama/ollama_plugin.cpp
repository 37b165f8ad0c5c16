// The Ollama provider plugin: local models through Ollama's native /api/chat (streamed NDJSON,
// tools and thinking), models listed from /api/tags.
#include "ollama_decoder.hpp"
#include "ollama_wire.hpp"

#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/settings.hpp>
#include <gaggle_providers/stream_runner.hpp>

#include <gaggle/cpp/plugin.hpp>

namespace gaggle::providers::ollama {
namespace {

struct Endpoint {
    std::string root;
    Headers headers;
};

Endpoint resolve_endpoint(const sdk::Host& host, const std::optional<Connection>& connection)
{
    Endpoint e;
    e.root = server_root(connection && connection->base_url ? *connection->base_url
                                                            : config_value(host, "OLLAMA_HOST").value_or("localhost"));
    if (connection) {
        if (auto key = connection_api_key(host, *connection)) e.headers.emplace_back("Authorization", "Bearer " + *key);
        for (const auto& h : connection->headers) e.headers.push_back(h);
    }
    return e;
}

Json describe_ollama()
{
    Json models = Json::array();
    for (auto [name, limit] : std::initializer_list<std::pair<const char*, int>>{
             {"qwen3", 40960}, {"qwen2.5-coder", 32768}, {"llama3.2", 131072}, {"gpt-oss:20b", 131072}, {"mistral-nemo", 131072}})
        models.push_back(Json{{"name", name}, {"context_limit", limit}});
    Json keys = Json::array({Json{{"name", "OLLAMA_HOST"}, {"required", true}, {"secret", false}, {"default", "localhost"}}});
    return Json::array({Json{{"name", "ollama"},
                             {"display_name", "Ollama"},
                             {"description", "Local open source models through Ollama"},
                             {"default_model", "qwen3"},
                             {"known_models", models},
                             {"model_doc_link", "https://ollama.com/library"},
                             {"config_keys", keys}}});
}

class OllamaProvider : public sdk::Plugin, public sdk::Provider {
public:
    OllamaProvider(sdk::Host host, std::string_view) : Plugin(host) {}

    std::string describe() override { return describe_ollama().dump(); }

    void stream(std::string_view request_json, const sdk::EventSink& sink, const sdk::Cancel& cancel) override
    {
        const ChatRequest request = parse_chat_request(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), request.connection);
        StreamCall call;
        call.provider = request.provider.empty() ? "ollama" : request.provider;
        call.request.method = "POST";
        call.request.url = endpoint.root + "/api/chat";
        call.request.headers = endpoint.headers;
        call.request.headers.emplace_back("Content-Type", "application/json");
        call.request.headers.emplace_back("Accept", "application/x-ndjson");
        call.request.body = ollama_body(request).dump(-1, ' ', false, Json::error_handler_t::replace);
        call.make_decoder = [](DecoderContext& ctx) { return std::make_unique<OllamaDecoder>(ctx); };
        run_stream(host(), read_stream_settings(host()), call, sink, cancel);
    }

    std::string list_models(std::string_view request_json) override
    {
        const Json j = parse_untrusted(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), parse_connection(j.is_object() ? j : Json::object()));
        const StreamSettings settings = read_stream_settings(host());
        HttpRequest request;
        request.method = "GET";
        request.url = endpoint.root + "/api/tags";
        request.headers = endpoint.headers;
        request.connect_timeout = settings.connect_timeout;
        request.idle_timeout = settings.idle_timeout;
        const std::string body = HttpClient(host()).fetch(request, sdk::Cancel(nullptr));
        const Json listing = parse_untrusted(body);
        const Json& models = at_or_null(listing, "models");
        if (!models.is_array()) throw sdk::Error(GAGGLE_ERR_SERVER, "ollama: unexpected model listing: " + excerpt(body, 200));
        std::vector<std::string> names;
        for (const Json& m : models)
            if (!str_of(m, "name").empty()) names.push_back(str_of(m, "name"));
        return Json(names).dump();
    }
};

} // namespace
} // namespace gaggle::providers::ollama

GAGGLE_PLUGIN(gaggle::providers::ollama::OllamaProvider, "ollama", "Ollama", "0.1.0",
              "Local models through Ollama's native chat API")
