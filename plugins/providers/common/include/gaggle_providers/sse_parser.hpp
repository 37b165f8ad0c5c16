#pragma once
// Server-sent events framing (the WHATWG event-stream format) fed with arbitrary byte pieces:
// lines end in LF, CRLF or CR; "field: value" lines accumulate; a blank line dispatches the event;
// lines starting with ':' are comments (keep-alives), reported separately so a caller can ignore
// them when it judges whether the stream is still making progress.
#include <functional>
#include <string>
#include <string_view>

namespace gaggle::providers {

struct SseEvent {
    std::string event; // "" when the server sent no "event:" field ("message" per the spec)
    std::string data;  // data lines joined with '\n'
};

class SseParser {
public:
    using EventFn = std::function<void(const SseEvent&)>;
    using CommentFn = std::function<void(std::string_view)>;

    SseParser(EventFn on_event, CommentFn on_comment = {});

    void feed(std::string_view bytes);
    // End of stream: dispatch an event that lacked its final blank line (lenient, unlike the spec,
    // because some OpenAI-compatible servers end on "data: [DONE]\n").
    void finish();

    // The stream's last `id:` (it persists across events, as the WHATWG format says) and last
    // valid `retry:` in milliseconds (-1: none): what a client needs to resume the stream.
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    long retry_ms() const noexcept { return retry_ms_; }

    // Upper bound for one line, and for one event's data; longer input is a broken stream, not a
    // reason to use all memory.
    static constexpr std::size_t max_line = 16 * 1024 * 1024;

private:
    void line(std::string_view text);
    void dispatch();

    EventFn on_event_;
    CommentFn on_comment_;
    std::string partial_;
    bool last_was_cr_ = false;
    SseEvent pending_;
    bool has_data_ = false;
    std::string last_event_id_;
    long retry_ms_ = -1;
};

// Splits newline-delimited JSON (Ollama) into lines; CR before LF is dropped, blank lines skipped.
class LineSplitter {
public:
    explicit LineSplitter(std::function<void(std::string_view)> on_line) : on_line_(std::move(on_line)) {}
    void feed(std::string_view bytes);
    void finish();

private:
    std::function<void(std::string_view)> on_line_;
    std::string partial_;
};

} // namespace gaggle::providers
