#include "net/http_service.hpp"

#include "net/outbound_http.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>
#include <string>

namespace gaggle {
namespace {

std::string text(gaggle_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }
gaggle_str view(const std::string& s) { return gaggle_str{s.data(), s.size()}; }

void fill(gaggle_error* err, gaggle_status code, const std::string& message) noexcept
{
    if (!err || err->struct_size < sizeof(gaggle_error)) return;
    err->code = code;
    const std::size_t n = std::min(message.size(), std::size_t(GAGGLE_ERROR_MESSAGE_SIZE - 1));
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
}

gaggle_status to_status(net::OutboundStatus s)
{
    switch (s) {
    case net::OutboundStatus::ok: return GAGGLE_OK;
    case net::OutboundStatus::invalid_argument: return GAGGLE_ERR_INVALID_ARGUMENT;
    case net::OutboundStatus::cancelled: return GAGGLE_ERR_CANCELLED;
    case net::OutboundStatus::timeout: return GAGGLE_ERR_TIMEOUT;
    case net::OutboundStatus::network: return GAGGLE_ERR_NETWORK;
    }
    return GAGGLE_ERR_INTERNAL;
}

// Fields are read only when they lie inside the caller's struct_size (older plugins' structs are
// shorter), which the ABI promises for every struct that crosses.
#define GAGGLE_HAS_FIELD(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

gaggle_status GAGGLE_ABI perform(const gaggle_host*, const gaggle_http_request* request, const gaggle_http_sink* sink,
                                 const gaggle_cancel* cancel, gaggle_error* err) noexcept
{
    try {
        if (!request || !GAGGLE_HAS_FIELD(request, gaggle_http_request, body) || !request->method || !request->url) {
            fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "http request is missing method or url");
            return GAGGLE_ERR_INVALID_ARGUMENT;
        }
        if (request->header_count > 0 && !request->headers) {
            fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "http request has header_count but no headers");
            return GAGGLE_ERR_INVALID_ARGUMENT;
        }
        net::OutboundRequest out;
        out.method = request->method;
        out.url = request->url;
        for (std::size_t i = 0; i < request->header_count; ++i)
            out.headers.emplace_back(text(request->headers[i].name), text(request->headers[i].value));
        out.body = text(request->body);
        if (GAGGLE_HAS_FIELD(request, gaggle_http_request, connect_timeout_ms) && request->connect_timeout_ms)
            out.connect_timeout = std::chrono::milliseconds(request->connect_timeout_ms);
        if (GAGGLE_HAS_FIELD(request, gaggle_http_request, idle_timeout_ms) && request->idle_timeout_ms)
            out.idle_timeout = std::chrono::milliseconds(request->idle_timeout_ms);

        const bool has_sink = sink && GAGGLE_HAS_FIELD(sink, gaggle_http_sink, on_data);
        net::OutboundHandlers handlers;
        if (has_sink && sink->on_response) {
            handlers.on_response = [sink](int status, const net::HeaderList& headers) {
                std::vector<gaggle_http_header> views;
                views.reserve(headers.size());
                for (const auto& [name, value] : headers) views.push_back({view(name), view(value)});
                return sink->on_response(sink->ctx, status, views.data(), views.size()) == 0;
            };
        }
        if (has_sink && sink->on_data) {
            handlers.on_data = [sink](std::string_view chunk) {
                return sink->on_data(sink->ctx, gaggle_str{chunk.data(), chunk.size()}) == 0;
            };
        }
        if (cancel && GAGGLE_HAS_FIELD(cancel, gaggle_cancel, is_cancelled) && cancel->is_cancelled)
            handlers.cancelled = [cancel] { return cancel->is_cancelled(cancel) != 0; };

        const net::OutboundResult result = net::perform(out, handlers);
        const gaggle_status status = to_status(result.status);
        if (status != GAGGLE_OK) fill(err, status, result.message);
        return status;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    } catch (...) {
        fill(err, GAGGLE_ERR_INTERNAL, "unknown error in outbound http");
        return GAGGLE_ERR_INTERNAL;
    }
}

#undef GAGGLE_HAS_FIELD

} // namespace

const gaggle_host_http_v1* outbound_http_service()
{
    static const gaggle_host_http_v1 table = {sizeof(gaggle_host_http_v1), &perform};
    return &table;
}

} // namespace gaggle
