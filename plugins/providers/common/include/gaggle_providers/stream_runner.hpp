#pragma once
// One streamed completion with everything around it that is the same for every provider:
// retries with backoff (never once an event reached the host), the data-line idle watchdog, the
// mapping of HTTP and transport failures to error classes, and cancellation.
#include "gaggle_providers/errors.hpp"
#include "gaggle_providers/events.hpp"
#include "gaggle_providers/http_client.hpp"
#include "gaggle_providers/settings.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace gaggle::providers {

// Thrown by decoders for a failure with a class and a retry verdict.
class ProviderError : public sdk::Error {
public:
    explicit ProviderError(Failure f) : sdk::Error(f.code, f.message), failure_(std::move(f)) {}
    ProviderError(gaggle_status code, std::string message, bool retryable = false)
        : ProviderError(Failure{code, std::move(message), retryable, std::nullopt}) {}
    const Failure& failure() const noexcept { return failure_; }

private:
    Failure failure_;
};

// Turns the bytes of one successful (2xx) response into events.
class StreamDecoder {
public:
    virtual ~StreamDecoder() = default;
    // Bytes as they arrive. Throws ProviderError for an error event or a malformed chunk.
    virtual void feed(std::string_view bytes) = 0;
    // The body ended. Throws ProviderError(NETWORK) when the stream stopped before its end marker.
    virtual void finish() = 0;
};

// What a decoder may touch: the event emitter, and the watchdog's "real data arrived" signal
// (called for data lines, never for keep-alive comments or ping events).
struct DecoderContext {
    Emitter& out;
    std::function<void()> progress;
};

struct StreamCall {
    std::string provider; // prefixes error messages: "openai: ..."
    HttpRequest request;  // timeouts are filled in from StreamSettings
    std::function<std::unique_ptr<StreamDecoder>(DecoderContext&)> make_decoder;
};

// Run the call to completion, pushing events into `sink`. Throws sdk::Error with the class of the
// final failure (after retries) and the provider's own message.
void run_stream(const sdk::Host& host, const StreamSettings& settings, const StreamCall& call,
                const sdk::EventSink& sink, const sdk::Cancel& cancel);

// A malformed chunk: names the provider, the parse problem and the start of the offending data.
[[noreturn]] void throw_malformed(std::string_view what, std::string_view data);

} // namespace gaggle::providers
