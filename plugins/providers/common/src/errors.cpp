#include "gaggle_providers/errors.hpp"

#include "gaggle_providers/json.hpp"

#include <algorithm>
#include <cctype>

namespace gaggle::providers {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

std::string error_message_from_body(std::string_view body)
{
    const Json j = parse_untrusted(body);
    if (j.is_object()) {
        const Json& error = at_or_null(j, "error");
        if (error.is_object()) {
            std::string m = str_of(error, "message");
            if (!m.empty()) return m;
        }
        if (error.is_string()) return error.get<std::string>();
        std::string m = str_of(j, "message");
        if (!m.empty()) return m;
        m = str_of(j, "detail");
        if (!m.empty()) return m;
    }
    std::string text = excerpt(body, 500);
    return text.empty() ? std::string("(empty response body)") : text;
}

bool mentions_context_length(std::string_view text)
{
    const std::string t = lower(text);
    return contains(t, "context_length_exceeded") || contains(t, "context length") || contains(t, "context window") ||
           contains(t, "prompt is too long") || contains(t, "maximum context") || contains(t, "too many tokens") ||
           contains(t, "input is too long") || contains(t, "exceeds the context") || contains(t, "string_above_max_length") ||
           contains(t, "reduce the length") || contains(t, "context size") || contains(t, "context overflow") ||
           contains(t, "context_window_exceeded");
}

Failure classify_http_error(int status, std::string_view body, std::string_view url)
{
    Failure f;
    const std::string own = error_message_from_body(body);
    f.message = own + " (HTTP " + std::to_string(status) + ")";
    const std::string lowered = lower(body);
    if (status == 401 || status == 403) {
        f.code = GAGGLE_ERR_AUTHENTICATION;
    } else if (status == 429) {
        f.code = GAGGLE_ERR_RATE_LIMITED;
        // An exhausted quota or credit balance does not recover by waiting a few seconds.
        f.retryable = !contains(lowered, "insufficient_quota") && !contains(lowered, "billing");
    } else if (mentions_context_length(body) && (status == 400 || status == 413 || status == 422 || status == 500)) {
        f.code = GAGGLE_ERR_CONTEXT_LENGTH;
    } else if (status == 404) {
        f.code = GAGGLE_ERR_NOT_FOUND;
        f.message = own + " (HTTP 404 from " + std::string(url) + "; check the host and base path)";
    } else if (status == 408) {
        f.code = GAGGLE_ERR_TIMEOUT;
        f.retryable = true;
    } else if (status >= 500) {
        f.code = GAGGLE_ERR_SERVER; // includes Anthropic's 529 overloaded
        f.retryable = true;
    } else if (status == 413) {
        f.code = GAGGLE_ERR_CONTEXT_LENGTH;
    } else {
        f.code = GAGGLE_ERR_INVALID_ARGUMENT;
    }
    return f;
}

Failure classify_stream_error(std::string_view type, std::string_view code, std::string_view message)
{
    Failure f;
    f.message = message.empty() ? std::string(type.empty() ? "error" : type) : std::string(message);
    const std::string t = lower(type) + " " + lower(code);
    if (mentions_context_length(t) || mentions_context_length(message)) {
        f.code = GAGGLE_ERR_CONTEXT_LENGTH;
    } else if (contains(t, "authentication") || contains(t, "permission") || contains(t, "invalid_api_key")) {
        f.code = GAGGLE_ERR_AUTHENTICATION;
    } else if (contains(t, "rate_limit")) {
        f.code = GAGGLE_ERR_RATE_LIMITED;
        f.retryable = true;
    } else if (contains(t, "insufficient_quota")) {
        f.code = GAGGLE_ERR_RATE_LIMITED;
    } else if (contains(t, "invalid_request")) {
        f.code = GAGGLE_ERR_INVALID_ARGUMENT;
    } else if (contains(t, "not_found")) {
        f.code = GAGGLE_ERR_NOT_FOUND;
    } else {
        f.code = GAGGLE_ERR_SERVER; // overloaded_error, api_error, server_error, unknown
        f.retryable = true;
    }
    return f;
}

const char* status_name(gaggle_status code)
{
    switch (code) {
    case GAGGLE_OK: return "ok";
    case GAGGLE_ERR_INVALID_ARGUMENT: return "invalid request";
    case GAGGLE_ERR_UNSUPPORTED: return "unsupported";
    case GAGGLE_ERR_UNAVAILABLE: return "unavailable";
    case GAGGLE_ERR_CANCELLED: return "cancelled";
    case GAGGLE_ERR_TIMEOUT: return "timed out";
    case GAGGLE_ERR_INTERNAL: return "internal error";
    case GAGGLE_ERR_NOT_FOUND: return "not found";
    case GAGGLE_ERR_AUTHENTICATION: return "authentication failed";
    case GAGGLE_ERR_RATE_LIMITED: return "rate limited";
    case GAGGLE_ERR_CONTEXT_LENGTH: return "context length exceeded";
    case GAGGLE_ERR_NETWORK: return "network error";
    case GAGGLE_ERR_SERVER: return "server error";
    default: return "failed";
    }
}

} // namespace gaggle::providers
