#pragma once
// The stream events a provider pushes to the host (see gaggle/provider.h), built in one place so
// the three plugins cannot drift apart in shape:
//   {"type":"text","text"}                          a text delta
//   {"type":"thinking","thinking","signature"?}     reasoning; with a signature it is one complete
//                                                   block (Anthropic), without one a delta
//   {"type":"redacted_thinking","data"}             one opaque block
//   {"type":"tool_call","id","name","arguments"}    one complete call ("error" instead of
//                                                   "arguments" when they did not parse)
//   {"type":"usage","input_tokens","output_tokens"}
//   {"type":"stop","reason"}                        reason: end_turn | tool_use | max_tokens |
//                                                   stop_sequence | content_filter | other text
#include "gaggle_providers/json.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gaggle::providers {

class Emitter {
public:
    explicit Emitter(const sdk::EventSink& sink) : sink_(sink) {}

    void text(std::string_view text);
    void thinking(std::string_view thinking, std::optional<std::string_view> signature = std::nullopt);
    void redacted_thinking(std::string_view data);
    void tool_call(std::string_view id, std::string_view name, const Json& arguments);
    void tool_call_error(std::string_view id, std::string_view name, std::string_view error);
    void usage(std::int64_t input_tokens, std::int64_t output_tokens);
    void stop(std::string_view reason);

    // Events pushed so far; once non-zero a failed call must not be retried (the host already
    // showed part of this answer).
    std::size_t emitted() const noexcept { return emitted_; }

private:
    void emit(const Json& event);
    const sdk::EventSink& sink_;
    std::size_t emitted_ = 0;
};

} // namespace gaggle::providers
