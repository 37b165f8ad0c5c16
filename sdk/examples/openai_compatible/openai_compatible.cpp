// Example provider: an OpenAI-compatible /v1/chat/completions server (vLLM, llama.cpp, LM Studio,
// OpenAI itself), streamed through the host's HTTP service so TLS, proxies and cancellation are
// the host's. Config keys: OPENAI_COMPAT_BASE_URL (e.g. http://localhost:8000), secret
// OPENAI_COMPAT_API_KEY (optional). The API key is read with secret() and never logged.
#include <gaggle/cpp/plugin.hpp>
#include <nlohmann/json.hpp>

#include <map>

namespace {
using json = nlohmann::json;
namespace sdk = gaggle::sdk;

// gaggle.chat/1 messages (goose Message objects) to chat-completions messages.
json wire_messages(const json& rq)
{
    json out = json::array({{{"role", "system"}, {"content", rq.value("system", "")}}});
    for (const auto& m : rq.at("messages")) {
        std::string text;
        json calls = json::array();
        for (const auto& c : m.at("content")) {
            const std::string type = c.value("type", "");
            if (type == "text") text += c.value("text", "");
            if (type == "toolRequest" && c["toolCall"].value("status", "") == "success")
                calls.push_back({{"id", c["id"]}, {"type", "function"},
                                 {"function", {{"name", c["toolCall"]["value"]["name"]},
                                               {"arguments", c["toolCall"]["value"]["arguments"].dump()}}}});
            if (type == "toolResponse") {
                std::string result;
                for (const auto& part : c["toolResult"].value("value", json::object()).value("content", json::array()))
                    result += part.value("text", "");
                if (c["toolResult"].value("status", "") == "error") result = c["toolResult"].value("error", "failed");
                out.push_back({{"role", "tool"}, {"tool_call_id", c["id"]}, {"content", result}});
            }
        }
        if (text.empty() && calls.empty()) continue;
        json w{{"role", m.at("role")}, {"content", text}};
        if (!calls.empty()) w["tool_calls"] = calls;
        out.push_back(w);
    }
    return out;
}

class OpenAICompatible : public sdk::Plugin, public sdk::Provider {
public:
    OpenAICompatible(sdk::Host host, std::string_view) : Plugin(host) {}

    std::string describe() override
    {
        return json::array({{{"name", "openai_compatible"}, {"display_name", "OpenAI-compatible"},
                             {"description", "Any server speaking /v1/chat/completions"}, {"default_model", "default"},
                             {"known_models", json::array()}, {"model_doc_link", ""},
                             {"config_keys", json::array({{{"name", "OPENAI_COMPAT_BASE_URL"}, {"required", true}, {"secret", false}},
                                                          {{"name", "OPENAI_COMPAT_API_KEY"}, {"required", false}, {"secret", true}}})}}})
            .dump();
    }

    void stream(std::string_view request_json, const sdk::EventSink& sink, const sdk::Cancel& cancel) override
    {
        const json rq = json::parse(request_json);
        json body{{"model", rq.at("model")}, {"messages", wire_messages(rq)}, {"stream", true},
                  {"stream_options", {{"include_usage", true}}}};
        for (const auto& t : rq.value("tools", json::array()))
            body["tools"].push_back({{"type", "function"}, {"function", {{"name", t["name"]}, {"description", t["description"]},
                                                                         {"parameters", t["inputSchema"]}}}});
        if (rq["settings"].contains("temperature")) body["temperature"] = rq["settings"]["temperature"];

        State st{sink, {}, {}, 0};
        post("/v1/chat/completions", body.dump(), st, cancel);
        if (st.status >= 400) throw sdk::Error(status_class(st.status), "server answered " + std::to_string(st.status) + ": " + st.buffer);
        for (auto& [index, call] : st.calls) {
            json args = json::parse(call["arguments"].get<std::string>().empty() ? "{}" : call["arguments"].get<std::string>(), nullptr, false);
            sink.emit((args.is_object() ? json{{"type", "tool_call"}, {"id", call["id"]}, {"name", call["name"]}, {"arguments", args}}
                                        : json{{"type", "tool_call"}, {"id", call["id"]}, {"name", call["name"]}, {"error", "arguments are not a JSON object"}})
                          .dump());
        }
        sink.emit(json{{"type", "stop"}, {"reason", st.calls.empty() ? "end_turn" : "tool_use"}}.dump());
    }

    std::string list_models(std::string_view) override { return R"(["default"])"; }

private:
    struct State {
        const sdk::EventSink& sink;
        std::string buffer;                // bytes of an unfinished SSE line (or an error body)
        std::map<int, json> calls;         // tool calls assembled from deltas, by index
        int status;
    };

    static gaggle_status status_class(int http)
    {
        if (http == 401 || http == 403) return GAGGLE_ERR_AUTHENTICATION;
        if (http == 429) return GAGGLE_ERR_RATE_LIMITED;
        return http >= 500 ? GAGGLE_ERR_SERVER : GAGGLE_ERR_INVALID_ARGUMENT;
    }

    // One "data: {...}" line of the stream.
    static void on_line(State& st, std::string_view line)
    {
        if (line.rfind("data: ", 0) != 0 || line == "data: [DONE]") return;
        const json chunk = json::parse(line.substr(6), nullptr, false);
        if (chunk.contains("usage") && chunk["usage"].is_object())
            st.sink.emit(json{{"type", "usage"}, {"input_tokens", chunk["usage"].value("prompt_tokens", 0)},
                              {"output_tokens", chunk["usage"].value("completion_tokens", 0)}}.dump());
        if (!chunk.contains("choices") || chunk["choices"].empty()) return;
        const json& delta = chunk["choices"][0].value("delta", json::object());
        if (delta.contains("content") && delta["content"].is_string() && !delta["content"].get<std::string>().empty())
            st.sink.emit(json{{"type", "text"}, {"text", delta["content"]}}.dump());
        for (const auto& tc : delta.value("tool_calls", json::array())) {
            json& call = st.calls[tc.value("index", 0)];
            if (call.is_null()) call = {{"id", ""}, {"name", ""}, {"arguments", ""}};
            if (tc.contains("id")) call["id"] = tc["id"];
            const json& fn = tc.value("function", json::object());
            if (fn.contains("name")) call["name"] = call["name"].get<std::string>() + fn["name"].get<std::string>();
            if (fn.contains("arguments")) call["arguments"] = call["arguments"].get<std::string>() + fn["arguments"].get<std::string>();
        }
    }

    void post(const std::string& path, const std::string& body, State& st, const sdk::Cancel& cancel)
    {
        auto* http = host().service<gaggle_host_http_v1>(GAGGLE_HOST_HTTP_V1);
        if (!http) throw sdk::Error(GAGGLE_ERR_UNSUPPORTED, "the host offers no HTTP service");
        const std::string url = host().config("OPENAI_COMPAT_BASE_URL").value_or("") + path;
        const std::string auth = "Bearer " + host().secret("OPENAI_COMPAT_API_KEY").value_or("");
        const gaggle_http_header headers[] = {{sdk::str("Content-Type"), sdk::str("application/json")},
                                              {sdk::str("Authorization"), sdk::str(auth)}};
        gaggle_http_request rq{sizeof rq, "POST", url.c_str(), headers, 2, sdk::str(body), 0, 0};
        gaggle_http_sink sink{sizeof sink, &st,
            [](void* c, int32_t status, const gaggle_http_header*, size_t) -> int32_t { static_cast<State*>(c)->status = status; return 0; },
            [](void* c, gaggle_str chunk) -> int32_t {
                auto& s = *static_cast<State*>(c);
                s.buffer.append(chunk.data, chunk.size);
                for (size_t nl; s.status < 400 && (nl = s.buffer.find('\n')) != std::string::npos; s.buffer.erase(0, nl + 1))
                    on_line(s, std::string_view(s.buffer).substr(0, nl > 0 && s.buffer[nl - 1] == '\r' ? nl - 1 : nl));
                return 0;
            }};
        gaggle_error err = sdk::make_error();
        const gaggle_status rc = http->perform(host().raw(), &rq, &sink, cancel.raw(), &err);
        if (rc != GAGGLE_OK) throw sdk::Error(rc, err.message);
    }
};

} // namespace

GAGGLE_PLUGIN(OpenAICompatible, "openai_compatible", "OpenAI-compatible (example)", "1.0.0",
              "Any /v1/chat/completions server, through the host's HTTP service")
