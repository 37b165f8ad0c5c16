// The host's side of gaggle.transport/1. This file is compiled for the newest ABI minor and uses
// the 1.1 slot (open_with_context) only when the plugin's table is large enough to hold it.
#ifndef GAGGLE_TARGET_ABI_MINOR
#define GAGGLE_TARGET_ABI_MINOR 1
#endif
#include "mcp/plugin_transports.hpp"

#include "plugin/plugin_registry.hpp"

#include <gaggle/transport.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <stdexcept>

namespace gaggle::mcp {
namespace {

// One open plugin connection. The sink handed to the plugin points at this object, which
// therefore stays put (heap, never moved) until close() has returned.
class PluginChannel final : public FrameChannel {
public:
    PluginChannel(const gaggle_transport_v1* table, FrameHandler handler) : table_(table), handler_(std::move(handler))
    {
        sink_.struct_size = sizeof(sink_);
        sink_.ctx = this;
        sink_.on_frame = &PluginChannel::frame_cb;
        sink_.on_closed = &PluginChannel::closed_cb;
    }
    ~PluginChannel() override
    {
        if (conn_) table_->close(conn_);
    }

    const gaggle_frame_sink* sink() const { return &sink_; }
    void adopt(gaggle_transport_conn* conn) { conn_ = conn; }

    void send(const std::string& frame) override
    {
        gaggle_error err{};
        err.struct_size = sizeof(err);
        if (table_->send(conn_, gaggle_str{frame.data(), frame.size()}, &err) != GAGGLE_OK)
            throw std::runtime_error(err.message[0] ? err.message : "the transport could not send");
    }

private:
    static void GAGGLE_ABI frame_cb(void* ctx, gaggle_str frame) noexcept
    {
        auto* self = static_cast<PluginChannel*>(ctx);
        try {
            self->handler_.on_frame(std::string_view(frame.data ? frame.data : "", frame.size));
        } catch (const std::exception& e) {
            spdlog::warn("mcp: handling an inbound frame failed: {}", e.what());
        }
    }
    static void GAGGLE_ABI closed_cb(void* ctx, gaggle_status, const char* reason) noexcept
    {
        auto* self = static_cast<PluginChannel*>(ctx);
        try {
            self->handler_.on_closed(reason ? reason : "");
        } catch (const std::exception& e) {
            spdlog::warn("mcp: handling a closed connection failed: {}", e.what());
        }
    }

    const gaggle_transport_v1* table_;
    FrameHandler handler_;
    gaggle_frame_sink sink_{};
    gaggle_transport_conn* conn_ = nullptr;
};

bool has_open_with_context(const gaggle_transport_v1* t)
{
    return t->struct_size >= offsetof(gaggle_transport_v1, open_with_context) + sizeof(void*) && t->open_with_context;
}

} // namespace

PluginTransports::PluginTransports(const PluginRegistry& plugins)
{
    for (const LoadedPlugin* p : plugins.with_interface(GAGGLE_TRANSPORT_V1)) {
        auto* table = p->interface_as<gaggle_transport_v1>(GAGGLE_TRANSPORT_V1);
        if (!table || !table->types) continue;
        for (const char* const* t = table->types; *t; ++t) {
            if (by_type_.count(*t)) {
                spdlog::warn("transport type '{}' is served by plugin {} already; {} is not used for it",
                             *t, by_type_[*t].plugin->id(), p->id());
                continue;
            }
            by_type_[*t] = Entry{p, table};
        }
    }
}

std::vector<std::string> PluginTransports::types() const
{
    std::vector<std::string> out;
    for (auto& [t, e] : by_type_) out.push_back(t);
    return out;
}

std::unique_ptr<FrameChannel> PluginTransports::open(const Json& config, const ConnectionContext& context,
                                                     FrameHandler handler) const
{
    const std::string type = config.value("type", std::string());
    auto it = by_type_.find(type);
    if (it == by_type_.end()) throw std::runtime_error("no transport plugin serves extensions of type '" + type + "'");
    const Entry& entry = it->second;

    auto channel = std::make_unique<PluginChannel>(entry.table, std::move(handler));
    const std::string json = config.dump();
    gaggle_error err{};
    err.struct_size = sizeof(err);
    gaggle_transport_conn* conn = nullptr;
    gaggle_status st = GAGGLE_OK;
    if (has_open_with_context(entry.table)) {
        std::vector<gaggle_env_var> env;
        for (auto& [k, v] : context.env) env.push_back(gaggle_env_var{{k.data(), k.size()}, {v.data(), v.size()}});
        gaggle_transport_open_context c{};
        c.struct_size = sizeof(c);
        c.working_dir = context.working_dir.empty() ? nullptr : context.working_dir.c_str();
        c.env = env.empty() ? nullptr : env.data();
        c.env_count = env.size();
        c.session_id = context.session_id.empty() ? nullptr : context.session_id.c_str();
        st = entry.table->open_with_context(entry.plugin->handle(), gaggle_str{json.data(), json.size()}, &c,
                                            channel->sink(), &conn, &err);
    } else {
        // A 1.0 plugin cannot receive resolved secrets or the working folder.
        st = entry.table->open(entry.plugin->handle(), gaggle_str{json.data(), json.size()}, channel->sink(), &conn, &err);
    }
    if (st != GAGGLE_OK || !conn)
        throw std::runtime_error(err.message[0] ? err.message : "the transport refused to open the connection");
    channel->adopt(conn);
    return channel;
}

} // namespace gaggle::mcp
