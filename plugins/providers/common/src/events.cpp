#include "gaggle_providers/events.hpp"

namespace gaggle::providers {

void Emitter::emit(const Json& event)
{
    // Replacement of invalid UTF-8 keeps one bad byte from a model from failing the whole turn.
    const std::string text = event.dump(-1, ' ', false, Json::error_handler_t::replace);
    sink_.emit(text);
    ++emitted_;
}

void Emitter::text(std::string_view text)
{
    if (text.empty()) return;
    emit(Json{{"type", "text"}, {"text", text}});
}

void Emitter::thinking(std::string_view thinking, std::optional<std::string_view> signature)
{
    if (thinking.empty() && !signature) return;
    Json event{{"type", "thinking"}, {"thinking", thinking}};
    if (signature) event["signature"] = *signature;
    emit(event);
}

void Emitter::redacted_thinking(std::string_view data) { emit(Json{{"type", "redacted_thinking"}, {"data", data}}); }

void Emitter::tool_call(std::string_view id, std::string_view name, const Json& arguments)
{
    emit(Json{{"type", "tool_call"}, {"id", id}, {"name", name}, {"arguments", arguments}});
}

void Emitter::tool_call_error(std::string_view id, std::string_view name, std::string_view error)
{
    emit(Json{{"type", "tool_call"}, {"id", id}, {"name", name}, {"error", error}});
}

void Emitter::usage(std::int64_t input_tokens, std::int64_t output_tokens)
{
    emit(Json{{"type", "usage"}, {"input_tokens", input_tokens}, {"output_tokens", output_tokens}});
}

void Emitter::stop(std::string_view reason) { emit(Json{{"type", "stop"}, {"reason", reason}}); }

} // namespace gaggle::providers
