#include "ollama_decoder.hpp"

#include <gaggle_providers/tool_calls.hpp>

namespace gaggle::providers::ollama {

OllamaDecoder::OllamaDecoder(DecoderContext& context)
    : ctx_(context), lines_([this](std::string_view line) { on_line(line); })
{
}

void OllamaDecoder::feed(std::string_view bytes) { lines_.feed(bytes); }

void OllamaDecoder::finish()
{
    lines_.finish();
    if (!done_) throw ProviderError(GAGGLE_ERR_NETWORK, "the stream ended before the final (done) line", true);
}

void OllamaDecoder::on_line(std::string_view line)
{
    if (done_) return;
    ctx_.progress();
    Json j = parse_untrusted(line);
    if (j.is_discarded() || !j.is_object()) throw_malformed("not a JSON object", line);
    if (const Json& error = at_or_null(j, "error"); error.is_string()) {
        const std::string message = error.get<std::string>();
        Failure f = classify_stream_error("", "", message);
        if (f.code != GAGGLE_ERR_CONTEXT_LENGTH) f.code = GAGGLE_ERR_SERVER;
        throw ProviderError(f);
    }
    const Json& message = at_or_null(j, "message");
    ctx_.out.thinking(str_of(message, "thinking"));
    ctx_.out.text(str_of(message, "content"));
    const Json& calls = at_or_null(message, "tool_calls");
    if (calls.is_array()) {
        for (const Json& call : calls) {
            const Json& fn = at_or_null(call, "function");
            const Json& args = at_or_null(fn, "arguments");
            const std::string id = str_of(call, "id", new_tool_call_id());
            emit_tool_call(ctx_.out, id, str_of(fn, "name"), args.is_string() ? args.get<std::string>() : args.is_null() ? "" : args.dump());
            had_tool_calls_ = true;
        }
    }
    const Json& done = at_or_null(j, "done");
    if (done.is_boolean() && done.get<bool>()) {
        ctx_.out.usage(int_of(j, "prompt_eval_count"), int_of(j, "eval_count"));
        const std::string reason = str_of(j, "done_reason", "stop");
        ctx_.out.stop(reason == "length" ? "max_tokens" : had_tool_calls_ ? "tool_use" : reason == "stop" ? "end_turn" : reason);
        done_ = true;
    }
}

} // namespace gaggle::providers::ollama
