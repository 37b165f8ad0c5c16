#include "anthropic_decoder.hpp"

#include <gaggle_providers/tool_calls.hpp>

namespace gaggle::providers::anthropic {

AnthropicDecoder::AnthropicDecoder(DecoderContext& context)
    : ctx_(context), sse_([this](const SseEvent& e) { on_event(e); })
{
}

void AnthropicDecoder::feed(std::string_view bytes) { sse_.feed(bytes); }

void AnthropicDecoder::finish()
{
    sse_.finish();
    if (!done_) throw ProviderError(GAGGLE_ERR_NETWORK, "the stream ended before message_stop", true);
}

void AnthropicDecoder::on_event(const SseEvent& event)
{
    if (done_) return;
    Json j = parse_untrusted(event.data);
    if (j.is_discarded() || !j.is_object()) throw_malformed("not a JSON object", event.data);
    const std::string type = str_of(j, "type", event.event);
    if (type == "ping") return; // a keep-alive: not progress for the idle watchdog
    ctx_.progress();

    if (type == "message_start") {
        const Json& usage = at_or_null(at_or_null(j, "message"), "usage");
        input_tokens_ = int_of(usage, "input_tokens") + int_of(usage, "cache_creation_input_tokens") +
                        int_of(usage, "cache_read_input_tokens");
        output_tokens_ = int_of(usage, "output_tokens");
    } else if (type == "content_block_start") {
        const Json& cb = at_or_null(j, "content_block");
        Block b;
        b.type = str_of(cb, "type");
        b.id = str_of(cb, "id");
        b.name = str_of(cb, "name");
        b.text = str_of(cb, "thinking");
        b.signature = str_of(cb, "signature");
        b.data = str_of(cb, "data");
        if (b.type == "text") ctx_.out.text(str_of(cb, "text"));
        blocks_[static_cast<int>(int_of(j, "index"))] = std::move(b);
    } else if (type == "content_block_delta") {
        Block& b = blocks_[static_cast<int>(int_of(j, "index"))];
        const Json& delta = at_or_null(j, "delta");
        const std::string kind = str_of(delta, "type");
        if (kind == "text_delta") ctx_.out.text(str_of(delta, "text"));
        else if (kind == "input_json_delta") b.text += str_of(delta, "partial_json");
        else if (kind == "thinking_delta") b.text += str_of(delta, "thinking");
        else if (kind == "signature_delta") b.signature += str_of(delta, "signature");
    } else if (type == "content_block_stop") {
        block_stop(static_cast<int>(int_of(j, "index")));
    } else if (type == "message_delta") {
        const std::string reason = str_of(at_or_null(j, "delta"), "stop_reason");
        if (!reason.empty()) stop_reason_ = reason;
        const Json& usage = at_or_null(j, "usage");
        if (usage.contains("output_tokens")) output_tokens_ = int_of(usage, "output_tokens"); // cumulative
        if (usage.contains("input_tokens") && int_of(usage, "input_tokens") > 0)
            input_tokens_ = int_of(usage, "input_tokens") + int_of(usage, "cache_creation_input_tokens") +
                            int_of(usage, "cache_read_input_tokens");
    } else if (type == "message_stop") {
        for (auto& [index, b] : blocks_) // blocks the server never closed
            if (!b.type.empty()) block_stop(index);
        ctx_.out.usage(input_tokens_, output_tokens_);
        ctx_.out.stop(stop_reason_.empty() ? "end_turn" : stop_reason_);
        done_ = true;
    } else if (type == "error") {
        const Json& error = at_or_null(j, "error");
        throw ProviderError(classify_stream_error(str_of(error, "type"), "", str_of(error, "message")));
    }
}

void AnthropicDecoder::block_stop(int index)
{
    auto it = blocks_.find(index);
    if (it == blocks_.end()) return;
    Block b = std::move(it->second);
    blocks_.erase(it);
    if (b.type == "tool_use" || b.type == "server_tool_use") {
        emit_tool_call(ctx_.out, b.id, b.name, b.text);
    } else if (b.type == "thinking") {
        ctx_.out.thinking(b.text, b.signature.empty() ? std::nullopt : std::optional<std::string_view>(b.signature));
    } else if (b.type == "redacted_thinking") {
        ctx_.out.redacted_thinking(b.data);
    }
}

} // namespace gaggle::providers::anthropic
