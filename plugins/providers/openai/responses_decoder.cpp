#include "responses_decoder.hpp"

#include <gaggle_providers/tool_calls.hpp>

namespace gaggle::providers::openai {

ResponsesDecoder::ResponsesDecoder(DecoderContext& context)
    : ctx_(context), sse_([this](const SseEvent& e) { on_event(e); })
{
}

void ResponsesDecoder::feed(std::string_view bytes) { sse_.feed(bytes); }

void ResponsesDecoder::finish()
{
    sse_.finish();
    if (!done_) throw ProviderError(GAGGLE_ERR_NETWORK, "the stream ended before response.completed", true);
}

void ResponsesDecoder::on_event(const SseEvent& event)
{
    if (done_ || event.data == "[DONE]") return;
    ctx_.progress();
    Json j = parse_untrusted(event.data);
    if (j.is_discarded() || !j.is_object()) throw_malformed("not a JSON object", event.data);
    const std::string type = str_of(j, "type", event.event);

    if (type == "response.output_text.delta") {
        ctx_.out.text(str_of(j, "delta"));
    } else if (type == "response.reasoning_summary_text.delta" || type == "response.reasoning_text.delta") {
        ctx_.out.thinking(str_of(j, "delta"));
    } else if (type == "response.function_call_arguments.delta") {
        arguments_[str_of(j, "item_id")] += str_of(j, "delta");
    } else if (type == "response.output_item.done") {
        const Json& item = at_or_null(j, "item");
        if (str_of(item, "type") == "function_call") {
            const std::string item_id = str_of(item, "id");
            std::string args = item.contains("arguments") ? str_of(item, "arguments") : arguments_[item_id];
            emit_tool_call(ctx_.out, str_of(item, "call_id", item_id), str_of(item, "name"), args);
            had_tool_calls_ = true;
        }
    } else if (type == "response.completed") {
        end(at_or_null(j, "response"), had_tool_calls_ ? "tool_use" : "end_turn");
    } else if (type == "response.incomplete") {
        const Json& response = at_or_null(j, "response");
        const std::string why = str_of(at_or_null(response, "incomplete_details"), "reason");
        end(response, why == "max_output_tokens" ? "max_tokens" : why.empty() ? "incomplete" : why.c_str());
    } else if (type == "response.failed" || type == "error") {
        const Json& error = type == "error" ? j : at_or_null(at_or_null(j, "response"), "error");
        throw ProviderError(classify_stream_error(str_of(error, "type"), str_of(error, "code"), str_of(error, "message")));
    }
}

void ResponsesDecoder::end(const Json& response, const char* reason)
{
    const Json& usage = at_or_null(response, "usage");
    if (usage.is_object()) ctx_.out.usage(int_of(usage, "input_tokens"), int_of(usage, "output_tokens"));
    ctx_.out.stop(reason);
    done_ = true;
}

} // namespace gaggle::providers::openai
