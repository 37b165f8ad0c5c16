#include "chat_decoder.hpp"

namespace gaggle::providers::openai {

std::string stop_reason(const std::string& finish_reason)
{
    if (finish_reason == "stop" || finish_reason.empty()) return "end_turn";
    if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
    if (finish_reason == "length") return "max_tokens";
    return finish_reason; // content_filter and whatever a compatible server invents
}

ChatDecoder::ChatDecoder(DecoderContext& context)
    : ctx_(context), sse_([this](const SseEvent& e) { on_data(e.data); })
{
}

void ChatDecoder::feed(std::string_view bytes) { sse_.feed(bytes); }

void ChatDecoder::finish()
{
    sse_.finish();
    if (done_) return;
    // Some compatible servers end without "[DONE]"; a finished choice is complete enough.
    if (finish_reason_) {
        complete();
        return;
    }
    throw ProviderError(GAGGLE_ERR_NETWORK, "the stream ended before the response was complete", true);
}

void ChatDecoder::on_data(const std::string& data)
{
    if (done_) return;
    ctx_.progress();
    if (data == "[DONE]") {
        complete();
        return;
    }
    Json chunk = parse_untrusted(data);
    if (chunk.is_discarded() || !chunk.is_object()) throw_malformed("not a JSON object", data);

    if (const Json& error = at_or_null(chunk, "error"); !error.is_null()) {
        const Json& code = at_or_null(error, "code");
        throw ProviderError(classify_stream_error(str_of(error, "type"), code.is_string() ? code.get<std::string>() : code.dump(),
                                                  error.is_string() ? error.get<std::string>() : str_of(error, "message")));
    }
    const Json& choices = at_or_null(chunk, "choices");
    if (choices.is_array()) {
        for (const Json& choice : choices) {
            if (int_of(choice, "index", 0) != 0) continue; // n > 1 is never requested
            const Json& delta = at_or_null(choice, "delta");
            ctx_.out.text(str_of(delta, "content"));
            // Reasoning text: DeepSeek/vLLM call it reasoning_content, OpenRouter/Ollama reasoning.
            std::string reasoning = str_of(delta, "reasoning_content");
            if (reasoning.empty()) reasoning = str_of(delta, "reasoning");
            ctx_.out.thinking(reasoning);
            const Json& tool_calls = at_or_null(delta, "tool_calls");
            if (tool_calls.is_array()) {
                for (const Json& tc : tool_calls) {
                    const int index = tc.contains("index") ? static_cast<int>(int_of(tc, "index"))
                                                           : calls_.index_without_position(str_of(tc, "id"));
                    const Json& fn = at_or_null(tc, "function");
                    const Json& args = at_or_null(fn, "arguments");
                    // A few servers send arguments as an object rather than JSON text.
                    const std::string piece = args.is_string() ? args.get<std::string>() : args.is_object() ? args.dump() : "";
                    calls_.add(index, str_of(tc, "id"), str_of(fn, "name"), piece);
                }
            }
            const Json& reason = at_or_null(choice, "finish_reason");
            if (reason.is_string()) {
                finish_reason_ = reason.get<std::string>();
                had_tool_calls_ = had_tool_calls_ || !calls_.empty();
                calls_.emit_all(ctx_.out); // every call of the choice is complete now
            }
        }
    }
    const Json& usage = at_or_null(chunk, "usage");
    if (usage.is_object()) ctx_.out.usage(int_of(usage, "prompt_tokens"), int_of(usage, "completion_tokens"));
}

void ChatDecoder::complete()
{
    had_tool_calls_ = had_tool_calls_ || !calls_.empty();
    calls_.emit_all(ctx_.out);
    std::string reason = stop_reason(finish_reason_.value_or("stop"));
    if (reason == "end_turn" && had_tool_calls_) reason = "tool_use"; // servers that say "stop" after calls
    ctx_.out.stop(reason);
    done_ = true;
}

} // namespace gaggle::providers::openai
