#include "scripted_provider/wire_render.hpp"

#include <stdexcept>

namespace gaggle::testing {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key, std::string fallback = {})
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int num(const json& j, const char* key, int fallback = 0)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int>() : fallback;
}

std::string sse(const json& data) { return "data: " + data.dump() + "\n\n"; }
std::string sse(const std::string& event, const json& data) { return "event: " + event + "\ndata: " + data.dump() + "\n\n"; }

// The chunk fields every format handles the same way; true when `chunk` was one of them.
bool common_chunk(const json& chunk, const std::string& keepalive, int delay, std::vector<Frame>& out)
{
    Frame f;
    f.delay_ms = num(chunk, "delay_ms", delay);
    if (chunk.contains("raw")) {
        f.bytes = str(chunk, "raw");
    } else if (chunk.contains("stall_ms")) {
        f.stall_ms = num(chunk, "stall_ms");
        f.keepalive_every_ms = num(chunk, "keepalive_every_ms");
        f.keepalive = keepalive;
    } else if (chunk.value("keepalive", false)) {
        f.bytes = keepalive;
    } else if (chunk.value("drop", false)) {
        f.drop = true;
    } else {
        return false;
    }
    out.push_back(std::move(f));
    return true;
}

// ---- OpenAI Chat Completions --------------------------------------------------------------

class OpenAiChat {
public:
    explicit OpenAiChat(const json& r) : r_(r), model_(str(r, "model", "gpt-4o")) {}

    std::vector<Frame> render()
    {
        const int delay = num(r_, "delay_ms");
        push(chunk(json{{"role", "assistant"}, {"content", ""}}), 0);
        bool tool_calls = false;
        for (const json& c : r_.value("chunks", json::array())) {
            if (common_chunk(c, ": keep-alive\n\n", delay, out_)) continue;
            const int d = num(c, "delay_ms", delay);
            if (c.contains("text")) {
                push(chunk(json{{"content", str(c, "text")}}), d);
            } else if (c.contains("thinking")) {
                push(chunk(json{{"reasoning_content", str(c, "thinking")}}), d);
            } else if (c.contains("tool_call") || c.contains("tool_calls")) {
                json calls = json::array();
                for (const json& tc : c.contains("tool_calls") ? c["tool_calls"] : json::array({c["tool_call"]})) {
                    json call{{"index", num(tc, "index")}};
                    if (tc.contains("id")) call["id"] = tc["id"], call["type"] = "function";
                    json fn = json::object();
                    if (tc.contains("name")) fn["name"] = tc["name"];
                    fn["arguments"] = tc.contains("arguments") ? (tc["arguments"].is_string() ? tc["arguments"] : json(tc["arguments"].dump())) : json("");
                    call["function"] = fn;
                    calls.push_back(call);
                }
                tool_calls = true;
                push(chunk(json{{"tool_calls", calls}}), d);
            } else if (c.value("malformed", false)) {
                push_raw("data: {\"id\":\"chatcmpl-scripted\",\"choices\":[{\"delta\":{\"content\":\"oops\"\n\n", d);
            } else if (c.contains("error")) {
                const json& e = c["error"];
                push_raw(sse(json{{"error", {{"message", str(e, "message")}, {"type", str(e, "type")}, {"param", nullptr}, {"code", e.value("code", json())}}}}), d);
            } else {
                throw std::invalid_argument("unknown openai chunk: " + c.dump());
            }
        }
        if (!r_.value("done", true)) return std::move(out_);
        push(chunk(json::object(), json(str(r_, "finish_reason", tool_calls ? "tool_calls" : "stop"))), delay);
        if (r_.contains("usage")) {
            const json& u = r_["usage"];
            json last = base();
            last["choices"] = json::array();
            last["usage"] = {{"prompt_tokens", num(u, "input_tokens")}, {"completion_tokens", num(u, "output_tokens")},
                             {"total_tokens", num(u, "input_tokens") + num(u, "output_tokens")}};
            push(last, delay);
        }
        push_raw("data: [DONE]\n\n", delay);
        return std::move(out_);
    }

private:
    json base() const
    {
        return json{{"id", "chatcmpl-scripted"}, {"object", "chat.completion.chunk"}, {"created", 1700000000},
                    {"model", model_}, {"system_fingerprint", nullptr}};
    }
    json chunk(const json& delta, const json& finish_reason = nullptr) const
    {
        json c = base();
        c["choices"] = json::array({json{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", finish_reason}}});
        if (r_.contains("usage")) c["usage"] = nullptr; // what include_usage streams look like before the last chunk
        return c;
    }
    void push(const json& c, int delay) { push_raw(sse(c), delay); }
    void push_raw(std::string bytes, int delay)
    {
        Frame f;
        f.bytes = std::move(bytes);
        f.delay_ms = delay;
        out_.push_back(std::move(f));
    }

    const json& r_;
    std::string model_;
    std::vector<Frame> out_;
};

// ---- OpenAI Responses API ------------------------------------------------------------------

std::vector<Frame> render_openai_responses(const json& r)
{
    std::vector<Frame> out;
    const int delay = num(r, "delay_ms");
    auto push = [&](const std::string& event, const json& data, int d) {
        Frame f;
        f.bytes = sse(event, data);
        f.delay_ms = d;
        out.push_back(std::move(f));
    };
    const std::string model = str(r, "model", "gpt-5-codex");
    push("response.created", json{{"type", "response.created"}, {"response", {{"id", "resp_scripted"}, {"status", "in_progress"}, {"model", model}}}}, 0);
    int item = 0;
    bool tool_calls = false;
    for (const json& c : r.value("chunks", json::array())) {
        if (common_chunk(c, ": keep-alive\n\n", delay, out)) continue;
        const int d = num(c, "delay_ms", delay);
        if (c.contains("text")) {
            push("response.output_text.delta", json{{"type", "response.output_text.delta"}, {"item_id", "msg_scripted"}, {"output_index", 0},
                                                    {"content_index", 0}, {"delta", str(c, "text")}}, d);
        } else if (c.contains("thinking")) {
            push("response.reasoning_summary_text.delta", json{{"type", "response.reasoning_summary_text.delta"}, {"item_id", "rs_scripted"},
                                                               {"delta", str(c, "thinking")}}, d);
        } else if (c.contains("tool_call")) {
            const json& tc = c["tool_call"];
            const std::string id = "fc_" + std::to_string(++item);
            const std::string args = tc.contains("arguments") && tc["arguments"].is_string() ? tc["arguments"].get<std::string>()
                                                                                             : tc.value("arguments", json::object()).dump();
            json fc{{"type", "function_call"}, {"id", id}, {"call_id", str(tc, "id", "call_" + std::to_string(item))}, {"name", str(tc, "name")}, {"arguments", ""}};
            push("response.output_item.added", json{{"type", "response.output_item.added"}, {"output_index", item}, {"item", fc}}, d);
            push("response.function_call_arguments.delta", json{{"type", "response.function_call_arguments.delta"}, {"item_id", id}, {"delta", args}}, d);
            fc["arguments"] = args;
            push("response.output_item.done", json{{"type", "response.output_item.done"}, {"output_index", item}, {"item", fc}}, d);
            tool_calls = true;
        } else if (c.value("malformed", false)) {
            Frame f;
            f.bytes = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n";
            f.delay_ms = d;
            out.push_back(std::move(f));
        } else if (c.contains("error")) {
            const json& e = c["error"];
            push("error", json{{"type", "error"}, {"code", e.value("code", json())}, {"message", str(e, "message")}, {"param", nullptr}}, d);
        } else {
            throw std::invalid_argument("unknown openai_responses chunk: " + c.dump());
        }
    }
    (void)tool_calls;
    if (!r.value("done", true)) return out;
    json response{{"id", "resp_scripted"}, {"status", "completed"}, {"model", model}};
    if (r.contains("usage"))
        response["usage"] = {{"input_tokens", num(r["usage"], "input_tokens")}, {"output_tokens", num(r["usage"], "output_tokens")},
                             {"total_tokens", num(r["usage"], "input_tokens") + num(r["usage"], "output_tokens")}};
    push("response.completed", json{{"type", "response.completed"}, {"response", response}}, delay);
    return out;
}

// ---- Anthropic Messages --------------------------------------------------------------------

class AnthropicMessages {
public:
    explicit AnthropicMessages(const json& r) : r_(r) {}

    std::vector<Frame> render()
    {
        const int delay = num(r_, "delay_ms");
        const json usage = r_.value("usage", json::object());
        push("message_start", json{{"type", "message_start"},
                                   {"message", {{"id", "msg_scripted"}, {"type", "message"}, {"role", "assistant"},
                                                {"model", str(r_, "model", "claude-sonnet-4-5")}, {"content", json::array()},
                                                {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                                                {"usage", {{"input_tokens", num(usage, "input_tokens")},
                                                           {"cache_creation_input_tokens", num(usage, "cache_creation_input_tokens")},
                                                           {"cache_read_input_tokens", num(usage, "cache_read_input_tokens")},
                                                           {"output_tokens", 1}}}}}}, 0);
        bool tool_use = false;
        for (const json& c : r_.value("chunks", json::array())) {
            if (common_chunk(c, ": keep-alive\n\n", delay, out_)) continue;
            const int d = num(c, "delay_ms", delay);
            if (c.contains("text")) {
                open("text", json{{"type", "text"}, {"text", ""}}, d);
                delta(json{{"type", "text_delta"}, {"text", str(c, "text")}}, d);
            } else if (c.contains("thinking")) {
                close(d);
                open("thinking", json{{"type", "thinking"}, {"thinking", ""}}, d);
                delta(json{{"type", "thinking_delta"}, {"thinking", str(c, "thinking")}}, d);
                if (c.contains("signature")) delta(json{{"type", "signature_delta"}, {"signature", str(c, "signature")}}, d);
                close(d);
            } else if (c.contains("redacted_thinking")) {
                close(d);
                open("redacted_thinking", json{{"type", "redacted_thinking"}, {"data", str(c, "redacted_thinking")}}, d);
                close(d);
            } else if (c.contains("tool_call")) {
                const json& tc = c["tool_call"];
                if (tc.contains("id")) {
                    close(d);
                    open("tool_use", json{{"type", "tool_use"}, {"id", str(tc, "id")}, {"name", str(tc, "name")}, {"input", json::object()}}, d);
                }
                const std::string args = tc.contains("arguments") && tc["arguments"].is_string() ? tc["arguments"].get<std::string>()
                                         : tc.contains("arguments")                              ? tc["arguments"].dump()
                                                                                                 : "";
                if (!args.empty()) delta(json{{"type", "input_json_delta"}, {"partial_json", args}}, d);
                tool_use = true;
            } else if (c.value("ping", false)) {
                push("ping", json{{"type", "ping"}}, d);
            } else if (c.value("malformed", false)) {
                Frame f;
                f.bytes = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"oo\n\n";
                f.delay_ms = d;
                out_.push_back(std::move(f));
            } else if (c.contains("error")) {
                const json& e = c["error"];
                push("error", json{{"type", "error"}, {"error", {{"type", str(e, "type", "api_error")}, {"message", str(e, "message")}}}}, d);
            } else {
                throw std::invalid_argument("unknown anthropic chunk: " + c.dump());
            }
        }
        if (!r_.value("done", true)) return std::move(out_);
        close(delay);
        push("message_delta", json{{"type", "message_delta"},
                                   {"delta", {{"stop_reason", str(r_, "finish_reason", tool_use ? "tool_use" : "end_turn")}, {"stop_sequence", nullptr}}},
                                   {"usage", {{"output_tokens", num(usage, "output_tokens")}}}}, delay);
        push("message_stop", json{{"type", "message_stop"}}, delay);
        return std::move(out_);
    }

private:
    void push(const std::string& event, const json& data, int delay)
    {
        Frame f;
        f.bytes = sse(event, data);
        f.delay_ms = delay;
        out_.push_back(std::move(f));
    }
    void open(const std::string& type, const json& block, int delay)
    {
        if (open_ && open_type_ == type && type == "text") return; // consecutive text continues the block
        close(delay);
        push("content_block_start", json{{"type", "content_block_start"}, {"index", index_}, {"content_block", block}}, delay);
        open_ = true;
        open_type_ = type;
    }
    void delta(const json& d, int delay) { push("content_block_delta", json{{"type", "content_block_delta"}, {"index", index_}, {"delta", d}}, delay); }
    void close(int delay)
    {
        if (!open_) return;
        push("content_block_stop", json{{"type", "content_block_stop"}, {"index", index_}}, delay);
        open_ = false;
        ++index_;
    }

    const json& r_;
    std::vector<Frame> out_;
    bool open_ = false;
    std::string open_type_;
    int index_ = 0;
};

// ---- Ollama /api/chat ----------------------------------------------------------------------

std::vector<Frame> render_ollama(const json& r)
{
    std::vector<Frame> out;
    const int delay = num(r, "delay_ms");
    const std::string model = str(r, "model", "qwen3");
    auto line = [&](const json& message, int d) {
        Frame f;
        f.bytes = json{{"model", model}, {"created_at", "2025-01-01T00:00:00.000000Z"}, {"message", message}, {"done", false}}.dump() + "\n";
        f.delay_ms = d;
        out.push_back(std::move(f));
    };
    bool tool_calls = false;
    for (const json& c : r.value("chunks", json::array())) {
        if (common_chunk(c, "\n", delay, out)) continue;
        const int d = num(c, "delay_ms", delay);
        if (c.contains("text")) {
            line(json{{"role", "assistant"}, {"content", str(c, "text")}}, d);
        } else if (c.contains("thinking")) {
            line(json{{"role", "assistant"}, {"content", ""}, {"thinking", str(c, "thinking")}}, d);
        } else if (c.contains("tool_call")) {
            const json& tc = c["tool_call"];
            json args = tc.value("arguments", json::object());
            if (args.is_string()) args = json::parse(args.get<std::string>());
            json fn{{"name", str(tc, "name")}, {"arguments", args}};
            json call{{"function", fn}};
            if (tc.contains("id")) call["id"] = tc["id"];
            line(json{{"role", "assistant"}, {"content", ""}, {"tool_calls", json::array({call})}}, d);
            tool_calls = true;
        } else if (c.value("malformed", false)) {
            Frame f;
            f.bytes = "{\"model\":\"" + model + "\",\"message\":{\"role\":\"assistant\",\"content\":\"oo\n";
            f.delay_ms = d;
            out.push_back(std::move(f));
        } else if (c.contains("error")) {
            Frame f;
            f.bytes = json{{"error", str(c["error"], "message")}}.dump() + "\n";
            f.delay_ms = d;
            out.push_back(std::move(f));
        } else {
            throw std::invalid_argument("unknown ollama chunk: " + c.dump());
        }
    }
    (void)tool_calls;
    if (!r.value("done", true)) return out;
    const json usage = r.value("usage", json::object());
    Frame f;
    f.bytes = json{{"model", model}, {"created_at", "2025-01-01T00:00:01.000000Z"}, {"message", {{"role", "assistant"}, {"content", ""}}},
                   {"done", true}, {"done_reason", str(r, "finish_reason", "stop")}, {"total_duration", 1000000},
                   {"prompt_eval_count", num(usage, "input_tokens")}, {"eval_count", num(usage, "output_tokens")}}.dump() + "\n";
    f.delay_ms = delay;
    out.push_back(std::move(f));
    return out;
}

} // namespace

std::vector<Frame> render_stream(const json& response)
{
    const std::string format = str(response, "format", "openai");
    if (format == "openai") return OpenAiChat(response).render();
    if (format == "openai_responses") return render_openai_responses(response);
    if (format == "anthropic") return AnthropicMessages(response).render();
    if (format == "ollama") return render_ollama(response);
    if (format == "raw") {
        std::vector<Frame> out;
        for (const json& c : response.value("chunks", json::array()))
            if (!common_chunk(c, "\n", num(response, "delay_ms"), out)) throw std::invalid_argument("unknown raw chunk: " + c.dump());
        return out;
    }
    throw std::invalid_argument("unknown scripted response format: " + format);
}

std::string stream_content_type(const std::string& format)
{
    return format == "ollama" ? "application/x-ndjson" : "text/event-stream; charset=utf-8";
}

std::string error_body(const std::string& format, const json& error)
{
    if (format == "anthropic")
        return json{{"type", "error"}, {"error", {{"type", str(error, "type", "api_error")}, {"message", str(error, "message")}}}}.dump();
    if (format == "ollama") return json{{"error", str(error, "message")}}.dump();
    return json{{"error", {{"message", str(error, "message")}, {"type", str(error, "type")}, {"param", nullptr}, {"code", error.value("code", json())}}}}.dump();
}

} // namespace gaggle::testing
