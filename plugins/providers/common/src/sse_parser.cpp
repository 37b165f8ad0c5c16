#include "gaggle_providers/sse_parser.hpp"

#include <gaggle/cpp/plugin.hpp>

namespace gaggle::providers {

SseParser::SseParser(EventFn on_event, CommentFn on_comment)
    : on_event_(std::move(on_event)), on_comment_(std::move(on_comment))
{
}

void SseParser::feed(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        const char c = bytes[i];
        if (last_was_cr_ && c == '\n') { // the LF of a CRLF whose CR ended the previous piece
            last_was_cr_ = false;
            ++i;
            continue;
        }
        last_was_cr_ = false;
        const auto end = bytes.find_first_of("\r\n", i);
        if (end == std::string_view::npos) {
            partial_.append(bytes.substr(i));
            if (partial_.size() > max_line)
                throw sdk::Error(GAGGLE_ERR_SERVER, "server-sent event line longer than 16 MiB");
            return;
        }
        if (partial_.empty()) {
            line(bytes.substr(i, end - i));
        } else {
            partial_.append(bytes.substr(i, end - i));
            std::string whole;
            whole.swap(partial_);
            line(whole);
        }
        if (bytes[end] == '\r') {
            if (end + 1 < bytes.size() && bytes[end + 1] == '\n')
                i = end + 2;
            else {
                last_was_cr_ = end + 1 == bytes.size();
                i = end + 1;
            }
        } else {
            i = end + 1;
        }
    }
}

void SseParser::finish()
{
    if (!partial_.empty()) {
        std::string whole;
        whole.swap(partial_);
        line(whole);
    }
    dispatch();
}

void SseParser::line(std::string_view text)
{
    if (text.empty()) {
        dispatch();
        return;
    }
    if (text.front() == ':') {
        if (on_comment_) on_comment_(text.substr(1));
        return;
    }
    const auto colon = text.find(':');
    std::string_view field = text.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
        if (has_data_) pending_.data += '\n';
        pending_.data.append(value);
        has_data_ = true;
        if (pending_.data.size() > max_line) throw sdk::Error(GAGGLE_ERR_SERVER, "server-sent event data longer than 16 MiB");
    } else if (field == "event") {
        pending_.event.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value); // the format ignores ids holding NUL
    } else if (field == "retry") {
        long ms = 0;
        bool digits = !value.empty() && value.size() <= 9;
        for (char c : value) {
            if (c < '0' || c > '9') digits = false;
            else ms = ms * 10 + (c - '0');
        }
        if (digits) retry_ms_ = ms;
    }
}

void SseParser::dispatch()
{
    if (has_data_) {
        SseEvent event;
        std::swap(event, pending_);
        has_data_ = false;
        on_event_(event);
    }
    pending_ = SseEvent{};
}

void LineSplitter::feed(std::string_view bytes)
{
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) {
            partial_.append(bytes);
            if (partial_.size() > SseParser::max_line)
                throw sdk::Error(GAGGLE_ERR_SERVER, "response line longer than 16 MiB");
            return;
        }
        partial_.append(bytes.substr(0, nl));
        bytes.remove_prefix(nl + 1);
        std::string whole;
        whole.swap(partial_);
        if (!whole.empty() && whole.back() == '\r') whole.pop_back();
        if (!whole.empty()) on_line_(whole);
    }
}

void LineSplitter::finish()
{
    std::string whole;
    whole.swap(partial_);
    if (!whole.empty() && whole.back() == '\r') whole.pop_back();
    if (!whole.empty()) on_line_(whole);
}

} // namespace gaggle::providers
