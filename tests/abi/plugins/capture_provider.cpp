// A provider for in-process agent tests, written with the current wrapper. It answers the first
// call of a turn with a call to the todo__todo_write tool, and the next call (after the tool's
// response) with the exact gaggle.chat/1 request it received as its text, so a test can check
// the request the host built against sdk/schema/gaggle.chat.1.json.
#include <gaggle/cpp/plugin.hpp>

#include <string>

namespace {

std::string quoted(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) continue;
            out += c;
        }
    }
    return out + "\"";
}

class Capture : public gaggle::sdk::Plugin, public gaggle::sdk::Provider {
public:
    Capture(gaggle::sdk::Host host, std::string_view) : Plugin(host) {}
    std::string describe() override
    {
        return R"([{"name":"capture","display_name":"Capture","description":"test","default_model":"m",)"
               R"("known_models":[{"name":"m","context_limit":100000}],"model_doc_link":"","config_keys":[]}])";
    }
    void stream(std::string_view request, const gaggle::sdk::EventSink& sink, const gaggle::sdk::Cancel&) override
    {
        // The tool's answer is in the history once the host has run (or denied) the call.
        if (request.find("\"toolResponse\"") == std::string_view::npos) {
            sink.emit(R"({"type":"text","text":"writing the list"})");
            sink.emit(R"({"type":"tool_call","id":"call_1","name":"todo__todo_write","arguments":{"content":"- a"}})");
            sink.emit(R"({"type":"usage","input_tokens":10,"output_tokens":5})");
            sink.emit(R"({"type":"stop","reason":"tool_use"})");
            return;
        }
        sink.emit("{\"type\":\"text\",\"text\":" + quoted(request) + "}");
        sink.emit(R"({"type":"usage","input_tokens":20,"output_tokens":7})");
        sink.emit(R"({"type":"stop","reason":"end_turn"})");
    }
    std::string list_models(std::string_view) override { return R"(["m"])"; }
};

} // namespace

GAGGLE_PLUGIN(Capture, "capture", "Capture", "1.0.0", "Echoes the request it received (tests)")
