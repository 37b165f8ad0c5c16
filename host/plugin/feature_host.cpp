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

Handler bridge(const LoadedPlugin* plugin, const gaggle_feature_v1* table, size_t index)
{
    return [plugin, table, index](Request& req, Response& res) {
        std::vector<std::pair<std::string, std::string>> header_copies;
        for (auto& [name, value] : req.raw()) header_copies.emplace_back(name, value);
        std::vector<gaggle_http_header> headers, params;
        for (auto& [n, v] : header_copies) headers.push_back({{n.data(), n.size()}, {v.data(), v.size()}});
        std::vector<std::pair<std::string, std::string>> param_copies;
        for (auto& [n, v] : req.raw_params()) param_copies.emplace_back(n, v);
        for (auto& [n, v] : param_copies) params.push_back({{n.data(), n.size()}, {v.data(), v.size()}});

        gaggle_http_request_view view{};
        view.struct_size = sizeof(view);
        view.method = req.method().c_str();
        view.path = req.path().c_str();
        view.query = req.query_string().c_str();
        view.headers = headers.data();
        view.header_count = headers.size();
        view.path_params = params.data();
        view.path_param_count = params.size();
        view.body = {req.body().data(), req.body().size()};
        view.user_id = req.user_id().c_str();
        view.header_size = sizeof(gaggle_http_header);

        ResponderState state{res};
        const gaggle_cancel cancel{sizeof(gaggle_cancel), &state, &responder_cancelled};
        const gaggle_http_responder responder{sizeof(gaggle_http_responder), &state, &set_status, &set_header, &write,
                                              &flush, &cancel};
        gaggle_error err{};
        err.struct_size = sizeof(err);
        const gaggle_status st = table->handle(plugin->handle(), index, &view, &responder, &err);
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
                spdlog::debug("feature plugin {} serves {} {}", plugin->id(), method, path);
            } catch (const Error& e) {
                spdlog::warn("feature plugin {}: route {} {} refused: {}", plugin->id(), method, path, e.what());
            }
        }
    }
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
