// A provider plugin written with the C++ wrapper of the frozen ABI 1.0 SDK: it answers every chat
// request by streaming back the last user text word by word, then usage and stop. It stands for a
// third-party provider compiled against the first SDK, which every later host must still load.
#include <gaggle/cpp/plugin.hpp>

#include <string>

namespace {

// Pulls the text of the last "text" item out of the request without a JSON library, to show a
// plugin needs nothing but the SDK: it looks for the last "text":"..." pair.
std::string last_text(std::string_view request)
{
    const std::string key = "\"text\":\"";
    const size_t at = request.rfind(key);
    if (at == std::string_view::npos) return {};
    std::string out;
    for (size_t i = at + key.size(); i < request.size() && request[i] != '"'; ++i) {
        if (request[i] == '\\' && i + 1 < request.size()) ++i;
        out += request[i];
    }
    return out;
}

class EchoProvider : public gaggle::sdk::Plugin, public gaggle::sdk::Provider {
public:
    EchoProvider(gaggle::sdk::Host host, std::string_view) : Plugin(host) {}

    std::string describe() override
    {
        return R"([{"name":"echo","display_name":"Echo","description":"Repeats the user","default_model":"echo-1",)"
               R"("known_models":[{"name":"echo-1","context_limit":1000}],"model_doc_link":"","config_keys":[]}])";
    }

    void stream(std::string_view request, const gaggle::sdk::EventSink& sink, const gaggle::sdk::Cancel& cancel) override
    {
        const std::string text = last_text(request);
        if (text.empty()) throw gaggle::sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "no user text to echo");
        size_t start = 0, words = 0;
        while (start < text.size()) {
            if (cancel.cancelled()) throw gaggle::sdk::Error(GAGGLE_ERR_CANCELLED, "cancelled");
            size_t end = text.find(' ', start);
            end = end == std::string::npos ? text.size() : end + 1;
            sink.emit(R"({"type":"text","text":")" + text.substr(start, end - start) + "\"}");
            start = end;
            ++words;
        }
        sink.emit(R"({"type":"usage","input_tokens":)" + std::to_string(words) + R"(,"output_tokens":)" +
                  std::to_string(words) + "}");
        sink.emit(R"({"type":"stop","reason":"stop"})");
    }

    std::string list_models(std::string_view) override { return R"(["echo-1"])"; }
};

} // namespace

GAGGLE_PLUGIN(EchoProvider, "echo", "Echo provider (ABI 1.0)", "1.0.0", "Streams the user's words back")
