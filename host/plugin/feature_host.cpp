#include "plugin/feature_host.hpp"

#include "common/error.hpp"
#include "http/server.hpp"
#include "plugin/interface_checks.hpp"
#include "plugin/plugin_status.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <spdlog/spdlog.h>

#include <ostream>

namespace gaggle {
namespace {

// The responder a feature writes through. Headers go out at the first write; a handler that
// never writes gets its status (and headers) with an empty body when it returns.
struct ResponderState {
    Response& response;
    int status = 200;
    std::string content_type = "application/octet-stream";
    std::ostream* body = nullptr;
    bool client_gone = false; // a write failed: every later write fails at once
};

void GAGGLE_ABI set_status(void* ctx, int32_t status) noexcept
{
    auto* s = static_cast<ResponderState*>(ctx);
    if (!s->body && status >= 100 && status <= 599) s->status = status;
}

void GAGGLE_ABI set_header(void* ctx, const char* name, const char* value) noexcept
{
    auto* s = static_cast<ResponderState*>(ctx);
    if (s->body || !name || !value) return;
    try {
        if (Poco::icompare(std::string(name), "Content-Type") == 0) s->content_type = value;
        else s->response.header(name, value);
    } catch (...) {
    }
}

gaggle_status GAGGLE_ABI write(void* ctx, gaggle_str chunk) noexcept
{
    auto* s = static_cast<ResponderState*>(ctx);
    if (s->client_gone) return GAGGLE_ERR_NETWORK;
    try {
        if (!s->body) s->body = &s->response.stream(s->status, s->content_type);
        if (chunk.size && chunk.data) s->body->write(chunk.data, static_cast<std::streamsize>(chunk.size));
        s->body->flush();
        if (s->body->good()) return GAGGLE_OK;
    } catch (...) {
    }
    s->client_gone = true;
    return GAGGLE_ERR_NETWORK;
}

// [1.1] Headers out now (an empty write opens the chunked body), then push.
gaggle_status GAGGLE_ABI flush(void* ctx) noexcept { return write(ctx, gaggle_str{nullptr, 0}); }

int32_t GAGGLE_ABI responder_cancelled(const gaggle_cancel* c) noexcept
{
    return static_cast<const ResponderState*>(c->ctx)->client_gone || HttpServer::shutting_down() ? 1 : 0;
}

// What a feature's handler is shown, as plain strings; the request view handed over points into them.
struct RequestParts {
    std::string method, path, query, body, user_id;
    std::vector<std::pair<std::string, std::string>> headers, params;
};

gaggle_status hand_to_feature(const LoadedPlugin* plugin, const gaggle_feature_v1* table, size_t index,
                              const RequestParts& parts, const gaggle_http_responder& responder, gaggle_error& err)
{
    std::vector<gaggle_http_header> headers, params;
    for (auto& [n, v] : parts.headers) headers.push_back({{n.data(), n.size()}, {v.data(), v.size()}});
    for (auto& [n, v] : parts.params) params.push_back({{n.data(), n.size()}, {v.data(), v.size()}});

    gaggle_http_request_view view{};
    view.struct_size = sizeof(view);
    view.method = parts.method.c_str();
    view.path = parts.path.c_str();
    view.query = parts.query.c_str();
    view.headers = headers.data();
    view.header_count = headers.size();
    view.path_params = params.data();
    view.path_param_count = params.size();
    view.body = {parts.body.data(), parts.body.size()};
    view.user_id = parts.user_id.c_str();
    view.header_size = sizeof(gaggle_http_header);
    err = gaggle_error{};
    err.struct_size = sizeof(err);
    return table->handle(plugin->handle(), index, &view, &responder, &err);
}

Handler bridge(const LoadedPlugin* plugin, const gaggle_feature_v1* table, size_t index)
{
    return [plugin, table, index](Request& req, Response& res) {
        RequestParts parts{req.method(), req.path(), req.query_string(), req.body(), req.user_id(), {}, {}};
        for (auto& [name, value] : req.raw()) parts.headers.emplace_back(name, value);
        for (auto& [n, v] : req.raw_params()) parts.params.emplace_back(n, v);

        ResponderState state{res};
        const gaggle_cancel cancel{sizeof(gaggle_cancel), &state, &responder_cancelled};
        const gaggle_http_responder responder{sizeof(gaggle_http_responder), &state, &set_status, &set_header, &write,
                                              &flush, &cancel};
        gaggle_error err{};
        const gaggle_status st = hand_to_feature(plugin, table, index, parts, responder, err);
        if (st != GAGGLE_OK) {
            spdlog::warn("[{}] {} {} failed ({}): {}", plugin->id(), req.method(), req.path(), st, err.message);
            // Once the body has started the status is sent; the failure can only end the body.
            if (!state.body)
                throw Error(error_kind_for(st), err.message[0] ? err.message : "plugin failed to handle the request");
            return;
        }
        if (!state.body) {
            if (state.status == 204 || state.status == 304) res.empty(state.status);
            else res.text("", state.status, state.content_type);
        }
    };
}

// The responder of FeatureHost::call: everything the feature writes is kept.
void GAGGLE_ABI collect_status(void* ctx, int32_t status) noexcept
{
    auto* r = static_cast<FeatureReply*>(ctx);
    if (r->body.empty() && status >= 100 && status <= 599) r->status = status;
}

void GAGGLE_ABI collect_header(void* ctx, const char* name, const char* value) noexcept
{
    auto* r = static_cast<FeatureReply*>(ctx);
    try {
        if (name && value && Poco::icompare(std::string(name), "Content-Type") == 0) r->content_type = value;
    } catch (...) {
    }
}

gaggle_status GAGGLE_ABI collect_write(void* ctx, gaggle_str chunk) noexcept
{
    try {
        if (chunk.size && chunk.data) static_cast<FeatureReply*>(ctx)->body.append(chunk.data, chunk.size);
        return GAGGLE_OK;
    } catch (...) {
        return GAGGLE_ERR_INTERNAL;
    }
}

gaggle_status GAGGLE_ABI collect_flush(void*) noexcept { return GAGGLE_OK; }

int32_t GAGGLE_ABI collect_cancelled(const gaggle_cancel*) noexcept { return HttpServer::shutting_down() ? 1 : 0; }

} // namespace

std::vector<std::pair<std::string, std::string>> FeatureHost::routes_of(const LoadedPlugin* plugin,
                                                                        const gaggle_feature_v1* table)
{
    std::vector<std::pair<std::string, std::string>> cached;
    size_t count = 0;
    if (GAGGLE_HAS_SLOT(table, gaggle_feature_v1, routes2)) {
        // 1.1: an array of pointers to structs that carry their own size.
        const gaggle_route2* const* routes = table->routes2(plugin->handle(), &count);
        for (size_t i = 0; routes && i < count; ++i) {
            const gaggle_route2* r = routes[i];
            const bool sound = r && r->struct_size >= offsetof(gaggle_route2, path) + sizeof(r->path);
            cached.emplace_back(sound && r->method ? r->method : "", sound && r->path ? r->path : "");
        }
    } else {
        const gaggle_route* routes = table->routes(plugin->handle(), &count);
        for (size_t i = 0; routes && i < count; ++i)
            cached.emplace_back(routes[i].method ? routes[i].method : "", routes[i].path ? routes[i].path : "");
    }
    return cached;
}

void FeatureHost::start_all(Router& router)
{
    for (const LoadedPlugin* plugin : registry_.with_interface(GAGGLE_FEATURE_V1)) {
        auto* table = plugin->interface_as<gaggle_feature_v1>(GAGGLE_FEATURE_V1);
        if (!table) continue;
        gaggle_error err{};
        err.struct_size = sizeof(err);
        if (table->start(plugin->handle(), &err) != GAGGLE_OK) {
            spdlog::warn("feature plugin {} did not start: {}", plugin->id(), err.message);
            continue;
        }
        started_.push_back({plugin, table});
        const auto routes = routes_of(plugin, table);
        for (size_t i = 0; i < routes.size(); ++i) {
            const auto& [method, path] = routes[i];
            try {
                RouteOptions options;
                // Room for the largest body a feature takes: /dictation/transcribe's 50 MiB of audio
                // as base64 (4/3 larger) inside JSON. The feature checks its own limits within this.
                options.max_body = 72 * 1024 * 1024;
                router.add(method, path, bridge(plugin, table, i), options);
                mounted_routes_.add(method, path, Handler{}, options);
                mounted_.push_back({plugin, table, i});
                spdlog::debug("feature plugin {} serves {} {}", plugin->id(), method, path);
            } catch (const Error& e) {
                spdlog::warn("feature plugin {}: route {} {} refused: {}", plugin->id(), method, path, e.what());
            }
        }
    }
}

std::optional<FeatureReply> FeatureHost::call(const std::string& method, const std::string& path, const std::string& body,
                                              const std::string& user_id) const
{
    const RouteMatch match = mounted_routes_.match(method, path);
    if (match.kind != RouteMatch::Kind::found) return std::nullopt;
    const Mounted& target = mounted_[static_cast<size_t>(match.route - mounted_routes_.routes().data())];
    RequestParts parts{method, path, "", body, user_id, {{"Content-Type", "application/json"}}, {}};
    for (auto& [n, v] : match.params) parts.params.emplace_back(n, v);

    FeatureReply reply;
    reply.content_type = "application/octet-stream";
    const gaggle_cancel cancel{sizeof(gaggle_cancel), &reply, &collect_cancelled};
    const gaggle_http_responder responder{sizeof(gaggle_http_responder), &reply, &collect_status, &collect_header,
                                          &collect_write, &collect_flush, &cancel};
    gaggle_error err{};
    const gaggle_status st = hand_to_feature(target.plugin, target.table, target.index, parts, responder, err);
    if (st != GAGGLE_OK)
        throw Error(error_kind_for(st), err.message[0] ? err.message : "plugin failed to handle the request");
    return reply;
}

bool FeatureHost::serves(const std::string& method, const std::string& path) const
{
    return mounted_routes_.match(method, path).kind == RouteMatch::Kind::found;
}

void FeatureHost::stop_all()
{
    while (!started_.empty()) {
        auto s = started_.back();
        started_.pop_back();
        s.table->stop(s.plugin->handle());
    }
}

} // namespace gaggle
