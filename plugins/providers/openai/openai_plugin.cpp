// The OpenAI provider plugin: streams completions from api.openai.com or any OpenAI-compatible
// server through the host's outbound HTTP service.
#include "chat_decoder.hpp"
#include "chat_wire.hpp"
#include "openai_endpoint.hpp"
#include "responses_decoder.hpp"
#include "responses_wire.hpp"

#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/stream_runner.hpp>

#include <gaggle/cpp/plugin.hpp>

#include <algorithm>

namespace gaggle::providers::openai {
namespace {

Json describe_openai()
{
    Json models = Json::array();
    for (auto [name, limit] : std::initializer_list<std::pair<const char*, int>>{
             {"gpt-4o", 128000}, {"gpt-4o-mini", 128000}, {"gpt-4.1", 1047576}, {"gpt-4.1-mini", 1047576},
             {"o3", 200000}, {"o4-mini", 200000}, {"gpt-5", 400000}, {"gpt-5-mini", 400000}, {"gpt-5-codex", 400000}})
        models.push_back(Json{{"name", name}, {"context_limit", limit}});
    auto key = [](const char* name, bool required, bool secret, const char* def) {
        Json k{{"name", name}, {"required", required}, {"secret", secret}};
        if (def) k["default"] = def;
        return k;
    };
    Json keys = Json::array({key("OPENAI_API_KEY", true, true, nullptr), key("OPENAI_HOST", true, false, "https://api.openai.com"),
                             key("OPENAI_BASE_PATH", true, false, "v1/chat/completions"),
                             key("OPENAI_ORGANIZATION", false, false, nullptr), key("OPENAI_PROJECT", false, false, nullptr),
                             key("OPENAI_CUSTOM_HEADERS", false, true, nullptr)});
    return Json::array({Json{{"name", "openai"},
                             {"display_name", "OpenAI"},
                             {"description", "GPT-4 and other OpenAI models, including OpenAI compatible ones"},
                             {"default_model", "gpt-4o"},
                             {"known_models", models},
                             {"model_doc_link", "https://platform.openai.com/docs/models"},
                             {"config_keys", keys}}});
}

class OpenAiProvider : public sdk::Plugin, public sdk::Provider {
public:
    OpenAiProvider(sdk::Host host, std::string_view) : Plugin(host) {}

    std::string describe() override { return describe_openai().dump(); }

    void stream(std::string_view request_json, const sdk::EventSink& sink, const sdk::Cancel& cancel) override
    {
        const ChatRequest request = parse_chat_request(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), request.connection, request.model);
        StreamCall call;
        call.provider = request.provider.empty() ? "openai" : request.provider;
        call.request.method = "POST";
        call.request.url = endpoint.url;
        call.request.headers = endpoint.headers;
        call.request.headers.emplace_back("Content-Type", "application/json");
        call.request.headers.emplace_back("Accept", "text/event-stream");
        if (endpoint.responses_api) {
            call.request.body = responses_body(request).dump(-1, ' ', false, Json::error_handler_t::replace);
            call.make_decoder = [](DecoderContext& ctx) { return std::make_unique<ResponsesDecoder>(ctx); };
        } else {
            call.request.body = chat_body(request).dump(-1, ' ', false, Json::error_handler_t::replace);
            call.make_decoder = [](DecoderContext& ctx) { return std::make_unique<ChatDecoder>(ctx); };
        }
        run_stream(host(), read_stream_settings(host()), call, sink, cancel);
    }

    std::string list_models(std::string_view request_json) override
    {
        const Json j = parse_untrusted(request_json);
        const Endpoint endpoint = resolve_endpoint(host(), parse_connection(j.is_object() ? j : Json::object()), "");
        const StreamSettings settings = read_stream_settings(host());
        HttpRequest request;
        request.method = "GET";
        request.url = endpoint.models_url;
        request.headers = endpoint.headers;
        request.headers.emplace_back("Accept", "application/json");
        request.connect_timeout = settings.connect_timeout;
        request.idle_timeout = settings.idle_timeout;
        const std::string body = HttpClient(host()).fetch(request, sdk::Cancel(nullptr));
        const Json listing = parse_untrusted(body);
        const Json& data = at_or_null(listing, "data");
        if (!data.is_array()) throw sdk::Error(GAGGLE_ERR_SERVER, "openai: unexpected models listing: " + excerpt(body, 200));
        std::vector<std::string> names;
        for (const Json& m : data)
            if (!str_of(m, "id").empty()) names.push_back(str_of(m, "id"));
        std::sort(names.begin(), names.end());
        return Json(names).dump();
    }
};

} // namespace
} // namespace gaggle::providers::openai

GAGGLE_PLUGIN(gaggle::providers::openai::OpenAiProvider, "openai", "OpenAI", "0.1.0",
              "OpenAI Chat Completions and Responses API, and OpenAI-compatible servers")
