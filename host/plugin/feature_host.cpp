#include "plugin/feature_host.hpp"

#include "common/error.hpp"

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
    try {
        if (!s->body) s->body = &s->response.stream(s->status, s->content_type);
        if (chunk.size) s->body->write(chunk.data, static_cast<std::streamsize>(chunk.size));
        s->body->flush();
        return s->body->good() ? GAGGLE_OK : GAGGLE_ERR_NETWORK;
    } catch (...) {
        return GAGGLE_ERR_NETWORK;
    }
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

        ResponderState state{res};
        const gaggle_http_responder responder{sizeof(gaggle_http_responder), &state, &set_status, &set_header, &write};
        gaggle_error err{};
        err.struct_size = sizeof(err);
        const gaggle_status st = table->handle(plugin->handle(), index, &view, &responder, &err);
        if (st != GAGGLE_OK) {
            spdlog::warn("[{}] {} {} failed ({}): {}", plugin->id(), req.method(), req.path(), st, err.message);
            if (!state.body) throw internal_error(err.message[0] ? err.message : "plugin failed to handle the request");
            return;
        }
        if (!state.body) {
            if (state.status == 204 || state.status == 304) res.empty(state.status);
            else res.text("", state.status, state.content_type);
        }
    };
}

} // namespace

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
        size_t count = 0;
        const gaggle_route* routes = table->routes(plugin->handle(), &count);
        for (size_t i = 0; routes && i < count; ++i) {
            const std::string method = routes[i].method ? routes[i].method : "";
            const std::string path = routes[i].path ? routes[i].path : "";
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
