#include "http_exchange.hpp"

#include "gaggle_providers/errors.hpp"

#include <algorithm>
#include <cctype>

namespace gaggle::http_transport {
namespace {

constexpr std::size_t max_body = 64 * 1024 * 1024;

std::string media_type_of(const providers::Headers& headers)
{
    const std::string value = providers::find_header(headers, "content-type").value_or("");
    std::string out = value.substr(0, value.find(';'));
    out.erase(std::remove_if(out.begin(), out.end(), [](unsigned char c) { return std::isspace(c); }), out.end());
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

Exchange exchange(const providers::HttpClient& http, const providers::HttpRequest& request,
                  const ExchangeHandlers& handlers, const sdk::Cancel& cancel)
{
    Exchange r;
    bool streaming = false;
    providers::SseParser parser([&](const providers::SseEvent& event) {
        ++r.events;
        if (handlers.on_event) handlers.on_event(event);
    });
    try {
        const providers::HttpOutcome outcome = http.perform(
            request,
            [&](int status, const providers::Headers& headers) {
                r.status = status;
                r.headers = headers;
                r.media_type = media_type_of(headers);
                streaming = r.success() && r.is_event_stream();
                if (handlers.on_head) handlers.on_head(r);
                return true;
            },
            [&](std::string_view chunk) {
                if (streaming) {
                    parser.feed(chunk);
                    return true;
                }
                if (r.body.size() + chunk.size() > max_body) {
                    r.failure = "the response body is larger than 64 MiB";
                    return false;
                }
                r.body.append(chunk);
                return true;
            },
            cancel);
        if (outcome.status == GAGGLE_OK) {
            if (streaming) parser.finish();
        } else if (outcome.status == GAGGLE_ERR_CANCELLED && r.failure.empty() && cancel.cancelled()) {
            r.cancelled = true;
        } else if (r.failure.empty()) {
            r.failure = outcome.message.empty() ? "the connection failed" : outcome.message;
        }
    } catch (const std::exception& e) {
        r.failure = e.what();
    }
    r.last_event_id = parser.last_event_id();
    r.retry_ms = parser.retry_ms();
    return r;
}

std::string describe_http_error(const Exchange& exchange, const std::string& url)
{
    std::string message = "HTTP " + std::to_string(exchange.status) + " from " + url;
    if (exchange.body.empty()) return message;
    std::string detail = providers::error_message_from_body(exchange.body);
    if (detail.size() > 300) detail = detail.substr(0, 300) + "...";
    if (!detail.empty()) message += ": " + detail;
    return message;
}

} // namespace gaggle::http_transport
