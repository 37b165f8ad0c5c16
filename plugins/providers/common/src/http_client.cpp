#include "gaggle_providers/http_client.hpp"

#include "gaggle_providers/errors.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

namespace gaggle::providers {
namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

struct SinkContext {
    const std::function<bool(int, const Headers&)>* on_response;
    const std::function<bool(std::string_view)>* on_data;
    std::exception_ptr failure;
};

int32_t GAGGLE_ABI sink_response(void* ctx, int32_t status, const gaggle_http_header* headers, size_t count) noexcept
{
    auto* c = static_cast<SinkContext*>(ctx);
    try {
        Headers copy;
        copy.reserve(count);
        for (size_t i = 0; i < count; ++i)
            copy.emplace_back(std::string(sdk::view(headers[i].name)), std::string(sdk::view(headers[i].value)));
        return (*c->on_response)(status, copy) ? 0 : 1;
    } catch (...) {
        c->failure = std::current_exception();
        return 1;
    }
}

int32_t GAGGLE_ABI sink_data(void* ctx, gaggle_str chunk) noexcept
{
    auto* c = static_cast<SinkContext*>(ctx);
    try {
        return (*c->on_data)(sdk::view(chunk)) ? 0 : 1;
    } catch (...) {
        c->failure = std::current_exception();
        return 1;
    }
}

} // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name)
{
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

HttpClient::HttpClient(const sdk::Host& host)
    : host_(host), http_(host.service<gaggle_host_http_v1>(GAGGLE_HOST_HTTP_V1))
{
    if (!http_ || http_->struct_size < sizeof(gaggle_host_http_v1) || !http_->perform)
        throw sdk::Error(GAGGLE_ERR_UNSUPPORTED, "the host offers no outbound HTTP service (gaggle.host.http/1)");
}

HttpOutcome HttpClient::perform(const HttpRequest& request, const std::function<bool(int, const Headers&)>& on_response,
                                const std::function<bool(std::string_view)>& on_data, const sdk::Cancel& cancel) const
{
    std::vector<gaggle_http_header> headers;
    headers.reserve(request.headers.size());
    for (const auto& [k, v] : request.headers) headers.push_back({sdk::str(k), sdk::str(v)});
    gaggle_http_request raw{};
    raw.struct_size = sizeof(raw);
    raw.method = request.method.c_str();
    raw.url = request.url.c_str();
    raw.headers = headers.empty() ? nullptr : headers.data();
    raw.header_count = headers.size();
    raw.body = sdk::str(request.body);
    raw.connect_timeout_ms = static_cast<uint32_t>(request.connect_timeout.count());
    raw.idle_timeout_ms = static_cast<uint32_t>(request.idle_timeout.count());

    SinkContext ctx{&on_response, &on_data, nullptr};
    gaggle_http_sink sink{sizeof(gaggle_http_sink), &ctx, &sink_response, &sink_data};
    gaggle_error err = sdk::make_error();
    const gaggle_status st = http_->perform(host_.raw(), &raw, &sink, cancel.raw(), &err);
    if (ctx.failure) std::rethrow_exception(ctx.failure);
    HttpOutcome out;
    out.status = st;
    if (st != GAGGLE_OK) out.message = err.message[0] ? err.message : status_name(st);
    return out;
}

std::string HttpClient::fetch(const HttpRequest& request, const sdk::Cancel& cancel) const
{
    int status = 0;
    std::string body;
    constexpr std::size_t limit = 64 * 1024 * 1024;
    const HttpOutcome outcome = perform(
        request, [&](int s, const Headers&) { status = s; return true; },
        [&](std::string_view chunk) {
            if (body.size() + chunk.size() > limit) throw sdk::Error(GAGGLE_ERR_SERVER, "response larger than 64 MiB");
            body.append(chunk);
            return true;
        },
        cancel);
    if (outcome.status != GAGGLE_OK) throw sdk::Error(outcome.status, outcome.message);
    if (status < 200 || status >= 300) {
        const Failure f = classify_http_error(status, body, request.url);
        throw sdk::Error(f.code, f.message);
    }
    return body;
}

} // namespace gaggle::providers
