#include "plugin/host_table.hpp"

#include "net/http_service.hpp"
#include "plugin/agent_service.hpp"
#include "plugin/call_secret.hpp"

#include "plugin/gaggle_abi.hpp"
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace gaggle {
namespace {

void fill(gaggle_error* err, gaggle_status code, const std::string& message) noexcept
{
    if (!err || err->struct_size < sizeof(gaggle_error)) return;
    err->code = code;
    const size_t n = std::min(message.size(), sizeof(err->message) - 1);
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
}

// Copies text into host-heap memory the plugin frees with host->free.
char* host_copy(const std::string& s) noexcept
{
    auto* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) return nullptr;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

void GAGGLE_ABI host_log(const gaggle_host* host, int32_t level, gaggle_str message) noexcept
{
    static constexpr spdlog::level::level_enum levels[] = {spdlog::level::trace, spdlog::level::debug,
                                                           spdlog::level::info, spdlog::level::warn,
                                                           spdlog::level::err};
    const auto lvl = (level >= 0 && level <= 4) ? levels[level] : spdlog::level::info;
    try {
        spdlog::log(lvl, "[{}] {}", HostTable::of(host).plugin_id(),
                    std::string_view(message.data ? message.data : "", message.data ? message.size : 0));
    } catch (...) {
        // Logging must never fail a plugin call.
    }
}

void* GAGGLE_ABI host_alloc(const gaggle_host*, size_t size) noexcept { return std::malloc(size ? size : 1); }
void GAGGLE_ABI host_free(const gaggle_host*, void* p) noexcept { std::free(p); }

template <auto Member>
char* GAGGLE_ABI config_lookup(const gaggle_host* host, const char* key) noexcept
{
    if (!key) return nullptr;
    try {
        auto& fn = HostTable::of(host).services().*Member;
        if (!fn) return nullptr;
        auto value = fn(key);
        return value ? host_copy(*value) : nullptr;
    } catch (...) {
        return nullptr;
    }
}

gaggle_status GAGGLE_ABI kv_get(const gaggle_host* host, const char* key, gaggle_buffer* out,
                                gaggle_error* err) noexcept
{
    if (!key || !out) return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "key and out are required"), GAGGLE_ERR_INVALID_ARGUMENT;
    try {
        auto& self = HostTable::of(host);
        if (!self.services().kv_get) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no key-value store"), GAGGLE_ERR_UNSUPPORTED;
        auto value = self.services().kv_get(self.plugin_id(), key);
        if (!value) return GAGGLE_ERR_NOT_FOUND;
        out->data = host_copy(*value);
        if (!out->data) return fill(err, GAGGLE_ERR_INTERNAL, "out of memory"), GAGGLE_ERR_INTERNAL;
        out->size = value->size();
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

gaggle_status GAGGLE_ABI kv_put(const gaggle_host* host, const char* key, gaggle_str value,
                                gaggle_error* err) noexcept
{
    if (!key || !*key || std::strlen(key) > GAGGLE_KV_MAX_KEY_BYTES)
        return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "key must be 1..1024 bytes"), GAGGLE_ERR_INVALID_ARGUMENT;
    if (value.size > GAGGLE_KV_MAX_VALUE_BYTES || (value.size && !value.data))
        return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "value must be at most 16 MiB"), GAGGLE_ERR_INVALID_ARGUMENT;
    try {
        auto& self = HostTable::of(host);
        if (!self.services().kv_put) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no key-value store"), GAGGLE_ERR_UNSUPPORTED;
        self.services().kv_put(self.plugin_id(), key, std::string_view(value.data ? value.data : "", value.size));
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

gaggle_status GAGGLE_ABI kv_remove(const gaggle_host* host, const char* key, gaggle_error* err) noexcept
{
    if (!key) return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "key is required"), GAGGLE_ERR_INVALID_ARGUMENT;
    try {
        auto& self = HostTable::of(host);
        if (!self.services().kv_remove) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no key-value store"), GAGGLE_ERR_UNSUPPORTED;
        self.services().kv_remove(self.plugin_id(), key);
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

// ---- "gaggle.host.kv_claim/1" -------------------------------------------------------------------

gaggle_status GAGGLE_ABI kv_claim(const gaggle_host* host, const char* key, gaggle_str value, int32_t* out_claimed,
                                  gaggle_error* err) noexcept
{
    if (!key || !*key || std::strlen(key) > GAGGLE_KV_MAX_KEY_BYTES)
        return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "key must be 1..1024 bytes"), GAGGLE_ERR_INVALID_ARGUMENT;
    if (!out_claimed) return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "out_claimed is required"), GAGGLE_ERR_INVALID_ARGUMENT;
    if (value.size > GAGGLE_KV_MAX_VALUE_BYTES || (value.size && !value.data))
        return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "value must be at most 16 MiB"), GAGGLE_ERR_INVALID_ARGUMENT;
    try {
        auto& self = HostTable::of(host);
        if (!self.services().kv_claim) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no key-value store"), GAGGLE_ERR_UNSUPPORTED;
        *out_claimed = self.services().kv_claim(self.plugin_id(), key, std::string_view(value.data ? value.data : "", value.size)) ? 1 : 0;
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

gaggle_status GAGGLE_ABI kv_list_keys(const gaggle_host* host, const char* prefix, gaggle_buffer* out,
                                      gaggle_error* err) noexcept
{
    if (!prefix || !out) return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "prefix and out are required"), GAGGLE_ERR_INVALID_ARGUMENT;
    try {
        auto& self = HostTable::of(host);
        if (!self.services().kv_list) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no key-value store"), GAGGLE_ERR_UNSUPPORTED;
        std::string joined;
        for (const auto& key : self.services().kv_list(self.plugin_id(), prefix)) joined.append(key).push_back('\0');
        out->data = nullptr;
        out->size = 0;
        if (joined.empty()) return GAGGLE_OK;
        out->data = host_copy(joined);
        if (!out->data) return fill(err, GAGGLE_ERR_INTERNAL, "out of memory"), GAGGLE_ERR_INTERNAL;
        out->size = joined.size();
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

// ---- "gaggle.host.paths/1" ----------------------------------------------------------------------

const char* GAGGLE_ABI paths_plugin_dir(const gaggle_host* host) noexcept
{
    return HostTable::of(host).plugin_dir().c_str();
}

const char* GAGGLE_ABI paths_data_dir(const gaggle_host* host, gaggle_error* err) noexcept
{
    try {
        return HostTable::of(host).data_dir().c_str();
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_UNAVAILABLE, e.what());
        return nullptr;
    }
}

// ---- "gaggle.host.timer/1" ----------------------------------------------------------------------

int64_t GAGGLE_ABI timer_now_ms(const gaggle_host*) noexcept
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t GAGGLE_ABI timer_monotonic_ms(const gaggle_host*) noexcept
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

gaggle_status GAGGLE_ABI timer_schedule(const gaggle_host* host, uint64_t delay_ms, uint64_t interval_ms,
                                        gaggle_timer_fn fn, void* ctx, gaggle_timer_id* out_id,
                                        gaggle_error* err) noexcept
{
    if (!fn || !out_id) return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "fn and out_id are required"), GAGGLE_ERR_INVALID_ARGUMENT;
    // Beyond ~24 days a duration is a mistake, and a bound keeps time_point arithmetic safe.
    constexpr uint64_t max_ms = uint64_t(1) << 31;
    if (delay_ms > max_ms || interval_ms > max_ms)
        return fill(err, GAGGLE_ERR_INVALID_ARGUMENT, "delay_ms and interval_ms must be below 2^31"), GAGGLE_ERR_INVALID_ARGUMENT;
    const HostTable& self = HostTable::of(host);
    if (!self.timers()) return fill(err, GAGGLE_ERR_UNSUPPORTED, "no timer service"), GAGGLE_ERR_UNSUPPORTED;
    try {
        *out_id = self.timers()->schedule(&self, std::chrono::milliseconds(delay_ms), std::chrono::milliseconds(interval_ms),
                                          [fn, ctx](std::uint64_t id) { fn(ctx, id); });
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        fill(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    }
}

gaggle_status GAGGLE_ABI timer_cancel(const gaggle_host* host, gaggle_timer_id id) noexcept
{
    const HostTable& self = HostTable::of(host);
    if (!self.timers()) return GAGGLE_ERR_NOT_FOUND;
    try {
        return self.timers()->cancel(&self, id) ? GAGGLE_OK : GAGGLE_ERR_NOT_FOUND;
    } catch (...) {
        return GAGGLE_ERR_INTERNAL;
    }
}

const gaggle_host_paths_v1 paths_service = {sizeof(gaggle_host_paths_v1), &paths_plugin_dir, &paths_data_dir};
const gaggle_host_timer_v1 timer_service = {sizeof(gaggle_host_timer_v1), &timer_now_ms, &timer_monotonic_ms,
                                            &timer_schedule, &timer_cancel};

// A secret held for the current call (call_secret.hpp) wins over the stored ones.
char* GAGGLE_ABI secret_lookup(const gaggle_host* host, const char* key) noexcept
{
    if (!key) return nullptr;
    try {
        if (auto value = call_secret(key)) return host_copy(*value);
    } catch (...) {
        return nullptr;
    }
    return config_lookup<&HostServices::secret_get>(host, key);
}

const gaggle_host_config_v1 config_service = {sizeof(gaggle_host_config_v1),
                                              &config_lookup<&HostServices::config_get>, &secret_lookup};
const gaggle_host_kv_v1 kv_service = {sizeof(gaggle_host_kv_v1), &kv_get, &kv_put, &kv_remove};
const gaggle_host_kv_claim_v1 kv_claim_service = {sizeof(gaggle_host_kv_claim_v1), &kv_claim, &kv_list_keys};

const void* GAGGLE_ABI get_service(const gaggle_host*, const char* id) noexcept
{
    if (!id) return nullptr;
    if (std::strcmp(id, GAGGLE_HOST_CONFIG_V1) == 0) return &config_service;
    if (std::strcmp(id, GAGGLE_HOST_KV_V1) == 0) return &kv_service;
    if (std::strcmp(id, GAGGLE_HOST_HTTP_V1) == 0) return outbound_http_service();
    if (std::strcmp(id, GAGGLE_HOST_PATHS_V1) == 0) return &paths_service;
    if (std::strcmp(id, GAGGLE_HOST_TIMER_V1) == 0) return &timer_service;
    if (std::strcmp(id, GAGGLE_HOST_AGENT_V1) == 0) return agent_service();
    if (std::strcmp(id, GAGGLE_HOST_KV_CLAIM_V1) == 0) return &kv_claim_service;
    return nullptr;
}

} // namespace

HostTable::HostTable(std::string plugin_id, const HostServices* services, std::string plugin_dir, TimerService* timers)
    : plugin_id_(std::move(plugin_id)), services_(services), plugin_dir_(std::move(plugin_dir)), timers_(timers)
{
    table_.struct_size = sizeof(gaggle_host);
    table_.abi = gaggle_version GAGGLE_ABI_VERSION_INIT;
    table_.host_data = this;
    table_.host_name = "gaggle";
    table_.host_version = GAGGLE_VERSION;
    table_.log = &host_log;
    table_.alloc = &host_alloc;
    table_.free = &host_free;
    table_.get_service = &get_service;
}

HostTable::~HostTable()
{
    // No timer of this plugin may fire into a destroyed object (the registry destroys the plugin
    // first; this also catches timers scheduled from destroy()).
    cancel_timers();
}

const std::string& HostTable::data_dir() const
{
    std::lock_guard lock(data_dir_mutex_);
    if (!data_dir_.empty()) return data_dir_;
    if (services_->data_dir.empty()) throw std::runtime_error("this host has no data folder");
    const std::filesystem::path dir = std::filesystem::path(services_->data_dir) / "plugins" / plugin_id_;
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    data_dir_ = dir.string();
    return data_dir_;
}

const HostTable& HostTable::of(const gaggle_host* host) noexcept
{
    return *static_cast<const HostTable*>(host->host_data);
}

} // namespace gaggle
