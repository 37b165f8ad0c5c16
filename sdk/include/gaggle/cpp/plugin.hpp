// Gaggle plugin SDK: a header-only C++17 wrapper over the C ABI.
//
// A plugin author writes one class deriving from gaggle::sdk::Plugin plus the mixins for the
// interfaces it serves (Feature, Provider, Transport), then names it once:
//
//     class Hello : public gaggle::sdk::Plugin, public gaggle::sdk::Feature { ... };
//     GAGGLE_PLUGIN(Hello, "hello", "Hello", "1.0.0", "Says hello")
//
// The wrapper fills the C tables with noexcept trampolines: an exception thrown by the class is
// caught at the boundary and becomes a gaggle_status plus a message, never a crash in the host.
// Nothing here is part of the ABI, so a plugin may use another compiler or standard library.
//
// Needs RTTI (dynamic_cast from the plugin object to its mixins) and exceptions (errors travel
// as gaggle::sdk::Error up to the trampolines); -fno-rtti / -fno-exceptions builds must use the C
// headers directly.
//
// Everything in namespace gaggle::sdk has hidden visibility, set here rather than left to build
// flags: the tables are statics inside inline functions, which GCC would otherwise emit as
// STB_GNU_UNIQUE symbols that glibc binds across libraries despite RTLD_LOCAL, so two plugins
// built without -fvisibility=hidden would share (and call into) one another's tables.
#ifndef GAGGLE_CPP_PLUGIN_HPP
#define GAGGLE_CPP_PLUGIN_HPP

#include <gaggle/gaggle.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(hidden)
#endif
namespace gaggle::sdk {

// ---- strings and errors ----------------------------------------------------------------------

inline gaggle_str str(std::string_view s) noexcept { return gaggle_str{s.data(), s.size()}; }
inline std::string_view view(gaggle_str s) noexcept
{
    return s.data ? std::string_view(s.data, s.size) : std::string_view();
}

// Throw this from plugin code to fail with a specific status; anything else becomes INTERNAL.
class Error : public std::runtime_error {
public:
    Error(gaggle_status code, const std::string& message) : std::runtime_error(message), code_(code) {}
    gaggle_status code() const noexcept { return code_; }

private:
    gaggle_status code_;
};

inline void fill_error(gaggle_error* err, gaggle_status code, std::string_view message) noexcept
{
    if (!err || err->struct_size < sizeof(gaggle_error)) return;
    err->code = code;
    const size_t n = message.size() < GAGGLE_ERROR_MESSAGE_SIZE - 1 ? message.size() : GAGGLE_ERROR_MESSAGE_SIZE - 1;
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
}

// Runs fn and turns any exception into a status; the one place trampolines catch.
template <class Fn>
gaggle_status guarded(gaggle_error* err, Fn&& fn) noexcept
{
    try {
        fn();
        return GAGGLE_OK;
    } catch (const Error& e) {
        fill_error(err, e.code(), e.what());
        return e.code();
    } catch (const std::exception& e) {
        fill_error(err, GAGGLE_ERR_INTERNAL, e.what());
        return GAGGLE_ERR_INTERNAL;
    } catch (...) {
        fill_error(err, GAGGLE_ERR_INTERNAL, "unknown exception");
        return GAGGLE_ERR_INTERNAL;
    }
}

inline gaggle_error make_error() noexcept
{
    gaggle_error e{};
    e.struct_size = sizeof(gaggle_error);
    return e;
}

// ---- the host, as the plugin sees it -----------------------------------------------------------

// A non-owning view of this plugin's gaggle_host. Cheap to copy. All calls are thread-safe.
class Host {
public:
    explicit Host(const gaggle_host* host) noexcept : host_(host) {}
    const gaggle_host* raw() const noexcept { return host_; }

    void log(int32_t level, std::string_view message) const noexcept
    {
        if (host_ && host_->log) host_->log(host_, level, str(message));
    }
    void debug(std::string_view m) const noexcept { log(GAGGLE_LOG_DEBUG, m); }
    void info(std::string_view m) const noexcept { log(GAGGLE_LOG_INFO, m); }
    void warn(std::string_view m) const noexcept { log(GAGGLE_LOG_WARN, m); }
    void error(std::string_view m) const noexcept { log(GAGGLE_LOG_ERROR, m); }

    // The service table for `id`, or nullptr when the host lacks it or its table is smaller than
    // T as this plugin compiled it (a host too old for every slot of T the plugin's target knows).
    template <class T>
    const T* service(const char* id) const noexcept
    {
        if (!host_ || !host_->get_service) return nullptr;
        auto* table = static_cast<const T*>(host_->get_service(host_, id));
        if (table && table->struct_size < sizeof(T)) return nullptr;
        return table;
    }

    std::optional<std::string> config(const char* key) const { return take(config_fn(false), key); }
    std::optional<std::string> secret(const char* key) const { return take(config_fn(true), key); }

    std::optional<std::string> kv_get(const char* key) const
    {
        auto* kv = service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1);
        if (!kv) throw Error(GAGGLE_ERR_UNSUPPORTED, "host offers no key-value store");
        gaggle_buffer out{nullptr, 0};
        gaggle_error err = make_error();
        const gaggle_status st = kv->get(host_, key, &out, &err);
        if (st == GAGGLE_ERR_NOT_FOUND) return std::nullopt;
        if (st != GAGGLE_OK) throw Error(st, err.message);
        std::string value(out.data ? out.data : "", out.size);
        host_->free(host_, out.data);
        return value;
    }
    void kv_put(const char* key, std::string_view value) const
    {
        auto* kv = service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1);
        if (!kv) throw Error(GAGGLE_ERR_UNSUPPORTED, "host offers no key-value store");
        gaggle_error err = make_error();
        const gaggle_status st = kv->put(host_, key, str(value), &err);
        if (st != GAGGLE_OK) throw Error(st, err.message);
    }
    void kv_remove(const char* key) const
    {
        auto* kv = service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1);
        if (!kv) throw Error(GAGGLE_ERR_UNSUPPORTED, "host offers no key-value store");
        gaggle_error err = make_error();
        const gaggle_status st = kv->remove(host_, key, &err);
        if (st != GAGGLE_OK) throw Error(st, err.message);
    }

    // [1.1 service] The folder the plugin's library was loaded from; nullopt on a host without
    // "gaggle.host.paths/1".
    std::optional<std::string> plugin_dir() const
    {
        auto* paths = service<gaggle_host_paths_v1>(GAGGLE_HOST_PATHS_V1);
        if (!paths) return std::nullopt;
        return std::string(paths->plugin_dir(host_));
    }
    // [1.1 service] The plugin's private data folder, created on first use. Throws Error when the
    // host has none or cannot create it.
    std::string data_dir() const
    {
        auto* paths = service<gaggle_host_paths_v1>(GAGGLE_HOST_PATHS_V1);
        if (!paths) throw Error(GAGGLE_ERR_UNSUPPORTED, "host offers no plugin paths");
        gaggle_error err = make_error();
        const char* dir = paths->data_dir(host_, &err);
        if (!dir) throw Error(err.code ? err.code : GAGGLE_ERR_UNAVAILABLE, err.message);
        return dir;
    }
    // [1.1 service] Wall-clock milliseconds since the Unix epoch (the host's clock when it has one).
    int64_t now_ms() const noexcept
    {
        auto* timer = service<gaggle_host_timer_v1>(GAGGLE_HOST_TIMER_V1);
        return timer ? timer->now_ms(host_) : 0;
    }

private:
    using GetFn = char* (*)(const gaggle_host*, const char*);
    GetFn config_fn(bool secret) const noexcept
    {
        auto* cfg = service<gaggle_host_config_v1>(GAGGLE_HOST_CONFIG_V1);
        if (!cfg) return nullptr;
        return secret ? cfg->get_secret : cfg->get;
    }
    std::optional<std::string> take(GetFn fn, const char* key) const
    {
        if (!fn) return std::nullopt;
        char* value = fn(host_, key);
        if (!value) return std::nullopt;
        std::string copy(value);
        host_->free(host_, value);
        return copy;
    }
    const gaggle_host* host_;
};

// [1.1 service] A host timer ("gaggle.host.timer/1") owned like a unique_ptr: fn runs on the
// host's timer thread after `delay`, then every `interval` when it is non-zero, until the Timer is
// cancelled or destroyed. Cancelling waits for a running fn, so fn's captures may die right after.
// Keep fn short; exceptions it throws are swallowed.
class Timer {
public:
    Timer() = default;
    Timer(const Host& host, std::chrono::milliseconds delay, std::chrono::milliseconds interval,
          std::function<void()> fn)
    {
        auto* api = host.service<gaggle_host_timer_v1>(GAGGLE_HOST_TIMER_V1);
        if (!api) throw Error(GAGGLE_ERR_UNSUPPORTED, "host offers no timers");
        auto state = std::make_unique<State>(State{std::move(fn), api, host.raw(), 0});
        gaggle_error err = make_error();
        const gaggle_status st = api->schedule(host.raw(), static_cast<uint64_t>(delay.count()),
                                               static_cast<uint64_t>(interval.count()), &fire, state.get(), &state->id, &err);
        if (st != GAGGLE_OK) throw Error(st, err.message);
        state_ = std::move(state);
    }
    Timer(Timer&&) noexcept = default;
    Timer& operator=(Timer&& other) noexcept
    {
        if (this != &other) {
            cancel();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    ~Timer() { cancel(); }
    void cancel() noexcept
    {
        if (state_) state_->api->cancel(state_->host, state_->id);
        state_.reset();
    }
    bool active() const noexcept { return state_ != nullptr; }

private:
    struct State {
        std::function<void()> fn;
        const gaggle_host_timer_v1* api;
        const gaggle_host* host;
        gaggle_timer_id id;
    };
    static void GAGGLE_ABI fire(void* ctx, gaggle_timer_id) noexcept
    {
        try {
            static_cast<State*>(ctx)->fn();
        } catch (...) {
        }
    }
    std::unique_ptr<State> state_;
};

// Cancellation as the plugin sees it: a NULL token is never cancelled.
class Cancel {
public:
    explicit Cancel(const gaggle_cancel* c) noexcept : c_(c) {}
    bool cancelled() const noexcept { return c_ && c_->is_cancelled && c_->is_cancelled(c_) != 0; }
    const gaggle_cancel* raw() const noexcept { return c_; }

private:
    const gaggle_cancel* c_;
};

// ---- the plugin object -------------------------------------------------------------------------

// Base of every plugin class. The derived class's constructor takes (Host, std::string_view
// config_json) and may throw to refuse creation.
class Plugin {
public:
    explicit Plugin(Host host) noexcept : host_(host) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;
    const Host& host() const noexcept { return host_; }

    static Plugin* from(gaggle_plugin* p) noexcept { return reinterpret_cast<Plugin*>(p); }
    gaggle_plugin* handle() noexcept { return reinterpret_cast<gaggle_plugin*>(this); }

private:
    Host host_;
};

// ---- feature: background work and HTTP routes --------------------------------------------------

struct Route {
    std::string method;
    std::string path;
};

struct Request {
    std::string_view method, path, query, body, user_id;
    std::vector<std::pair<std::string_view, std::string_view>> headers, params;

    // The value of header `name` (case-insensitive) or path parameter `name`; empty when absent.
    std::string_view header(std::string_view name) const noexcept
    {
        for (auto& [k, v] : headers)
            if (k.size() == name.size() && equal_nocase(k, name)) return v;
        return {};
    }
    std::string_view param(std::string_view name) const noexcept
    {
        for (auto& [k, v] : params)
            if (k == name) return v;
        return {};
    }

private:
    static bool equal_nocase(std::string_view a, std::string_view b) noexcept
    {
        for (size_t i = 0; i < a.size(); ++i) {
            char x = a[i], y = b[i];
            if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
            if (x != y) return false;
        }
        return true;
    }
};

#if GAGGLE_TARGET_ABI_MINOR >= 1
// [1.1] The open body of a streamed response (see Response::streamed). Used on the request thread.
class Stream {
public:
    explicit Stream(const gaggle_http_responder* r) noexcept : r_(r) {}
    // Sends bytes to the client now; false once the client is gone (stop streaming then).
    bool write(std::string_view bytes) const noexcept { return r_->write(r_->ctx, str(bytes)) == GAGGLE_OK; }
    // One Server-Sent Event carrying `data` (one line of JSON, say) and, when given, an event name.
    bool event(std::string_view data, std::string_view name = {}) const
    {
        std::string frame;
        if (!name.empty()) frame.append("event: ").append(name).append("\n");
        frame.append("data: ").append(data).append("\n\n");
        return write(frame);
    }
    // True once the client has gone or the host is shutting down.
    bool cancelled() const noexcept { return Cancel(r_->cancel).cancelled(); }

private:
    const gaggle_http_responder* r_;
};
#endif

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
#if GAGGLE_TARGET_ABI_MINOR >= 1
    // [1.1] When set, the status and headers go out at once and this writes the body as it goes.
    std::function<void(const Stream&)> streamer = nullptr;

    // An SSE response: `fn` emits events until it returns, the client leaves or the host stops.
    static Response sse(std::function<void(const Stream&)> fn)
    {
        Response r{200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}}, {}};
        r.streamer = std::move(fn);
        return r;
    }
    // Any other streamed body (chunked), e.g. progress lines as text/plain.
    static Response streamed(std::string content_type, std::function<void(const Stream&)> fn)
    {
        Response r{200, {{"Content-Type", std::move(content_type)}}, {}};
        r.streamer = std::move(fn);
        return r;
    }
#endif

    static Response json(std::string body, int status = 200)
    {
        return Response{status, {{"Content-Type", "application/json"}}, std::move(body)};
    }
    static Response text(std::string body, int status = 200)
    {
        return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
    }
};

class Feature {
public:
    virtual ~Feature() = default;
    virtual void start() {}
    virtual void stop() noexcept {}
    virtual std::vector<Route> routes() { return {}; }
    // Serve routes()[route_index]. MAY RUN CONCURRENTLY on several threads: guard shared state.
    // Throw Error(GAGGLE_ERR_INVALID_ARGUMENT, ...) for a 400, Error(GAGGLE_ERR_NOT_FOUND, ...) for
    // a 404 and so on (gaggle/feature.h lists the classes), or return a Response with your own status.
    virtual Response handle(size_t route_index, const Request& request) = 0;

    static const gaggle_feature_v1* table() noexcept
    {
#if GAGGLE_TARGET_ABI_MINOR >= 1
        static const gaggle_feature_v1 t = {sizeof(gaggle_feature_v1), &t_start, &t_stop, &t_routes, &t_handle,
                                            &t_routes2};
#else
        static const gaggle_feature_v1 t = {sizeof(gaggle_feature_v1), &t_start, &t_stop, &t_routes, &t_handle};
#endif
        return &t;
    }

private:
    static Feature* self(gaggle_plugin* p) noexcept { return dynamic_cast<Feature*>(Plugin::from(p)); }

    static gaggle_status GAGGLE_ABI t_start(gaggle_plugin* p, gaggle_error* err) noexcept
    {
        return guarded(err, [&] { self(p)->start(); });
    }
    static void GAGGLE_ABI t_stop(gaggle_plugin* p) noexcept { self(p)->stop(); }
    static const gaggle_route* GAGGLE_ABI t_routes(gaggle_plugin* p, size_t* count) noexcept
    {
        Feature* f = self(p);
        *count = 0;
        gaggle_error ignored = make_error();
        const gaggle_status st = guarded(&ignored, [&] {
            f->route_storage_ = f->routes();
            f->route_views_.clear();
            for (auto& r : f->route_storage_) f->route_views_.push_back({r.method.c_str(), r.path.c_str()});
        });
        if (st != GAGGLE_OK || f->route_views_.empty()) return nullptr;
        *count = f->route_views_.size();
        return f->route_views_.data();
    }
#if GAGGLE_TARGET_ABI_MINOR >= 1
    static const gaggle_route2* const* GAGGLE_ABI t_routes2(gaggle_plugin* p, size_t* count) noexcept
    {
        Feature* f = self(p);
        *count = 0;
        gaggle_error ignored = make_error();
        const gaggle_status st = guarded(&ignored, [&] {
            f->route_storage_ = f->routes();
            f->route2_views_.clear();
            f->route2_pointers_.clear();
            for (auto& r : f->route_storage_)
                f->route2_views_.push_back({sizeof(gaggle_route2), r.method.c_str(), r.path.c_str()});
            for (auto& r : f->route2_views_) f->route2_pointers_.push_back(&r);
        });
        if (st != GAGGLE_OK || f->route2_pointers_.empty()) return nullptr;
        *count = f->route2_pointers_.size();
        return f->route2_pointers_.data();
    }
#endif
    static const gaggle_http_header& header_at(const gaggle_http_request_view* rq, const gaggle_http_header* base,
                                               size_t i) noexcept
    {
        size_t step = sizeof(gaggle_http_header);
#if GAGGLE_TARGET_ABI_MINOR >= 1
        if (rq->struct_size >= offsetof(gaggle_http_request_view, header_size) + sizeof(uint32_t) && rq->header_size)
            step = rq->header_size;
#else
        (void)rq;
#endif
        return *reinterpret_cast<const gaggle_http_header*>(reinterpret_cast<const char*>(base) + i * step);
    }
    static gaggle_status GAGGLE_ABI t_handle(gaggle_plugin* p, size_t index, const gaggle_http_request_view* rq,
                                             const gaggle_http_responder* rs, gaggle_error* err) noexcept
    {
        gaggle_status written = GAGGLE_OK;
        const gaggle_status st = guarded(err, [&] {
            Request req;
            req.method = rq->method;
            req.path = rq->path;
            req.query = rq->query;
            req.body = view(rq->body);
            req.user_id = rq->user_id ? rq->user_id : "";
            for (size_t i = 0; i < rq->header_count; ++i) {
                const gaggle_http_header& h = header_at(rq, rq->headers, i);
                req.headers.emplace_back(view(h.name), view(h.value));
            }
            for (size_t i = 0; i < rq->path_param_count; ++i) {
                const gaggle_http_header& h = header_at(rq, rq->path_params, i);
                req.params.emplace_back(view(h.name), view(h.value));
            }
            Response res = self(p)->handle(index, req);
            rs->set_status(rs->ctx, res.status);
            for (auto& [k, v] : res.headers) rs->set_header(rs->ctx, k.c_str(), v.c_str());
            if (!res.body.empty()) written = rs->write(rs->ctx, str(res.body));
#if GAGGLE_TARGET_ABI_MINOR >= 1
            if (res.streamer && written == GAGGLE_OK) {
                const bool can_flush = rs->struct_size >= offsetof(gaggle_http_responder, cancel) + sizeof(void*);
                if (!can_flush) throw Error(GAGGLE_ERR_UNSUPPORTED, "this host cannot stream responses");
                written = rs->flush(rs->ctx);
                if (written == GAGGLE_OK) res.streamer(Stream(rs));
            }
#endif
        });
        // A body the client never received is a failure the host should hear about.
        if (st == GAGGLE_OK && written != GAGGLE_OK) {
            fill_error(err, written, "the client went away before the response was written");
            return written;
        }
        return st;
    }

    std::vector<Route> route_storage_;
    std::vector<gaggle_route> route_views_;
#if GAGGLE_TARGET_ABI_MINOR >= 1
    std::vector<gaggle_route2> route2_views_;
    std::vector<const gaggle_route2*> route2_pointers_;
#endif
};

// ---- provider: a language-model back end -------------------------------------------------------

class EventSink {
public:
    explicit EventSink(const gaggle_provider_sink* s) noexcept : s_(s) {}
    void emit(std::string_view event_json) const noexcept { s_->on_event(s_->ctx, str(event_json)); }

private:
    const gaggle_provider_sink* s_;
};

class Provider {
public:
    virtual ~Provider() = default;
    // JSON array of provider descriptions (see gaggle/provider.h). Called once; kept until destroy.
    virtual std::string describe() = 0;
    // Stream one completion; throw Error(GAGGLE_ERR_RATE_LIMITED, "...") and the like to fail.
    virtual void stream(std::string_view request_json, const EventSink& sink, const Cancel& cancel) = 0;
    // JSON array of model names.
    virtual std::string list_models(std::string_view request_json) = 0;

    static const gaggle_provider_v1* table() noexcept
    {
        static const gaggle_provider_v1 t = {sizeof(gaggle_provider_v1), &t_describe, &t_stream, &t_list};
        return &t;
    }

private:
    static Provider* self(gaggle_plugin* p) noexcept { return dynamic_cast<Provider*>(Plugin::from(p)); }
    static gaggle_str GAGGLE_ABI t_describe(gaggle_plugin* p) noexcept
    {
        Provider* pr = self(p);
        // describe() is [thread-safe]: the first callers may race, so the cache is filled once.
        std::call_once(pr->described_, [pr] {
            gaggle_error ignored = make_error();
            guarded(&ignored, [&] { pr->description_ = pr->describe(); });
            if (!pr->description_) pr->description_ = std::string("[]");
        });
        return str(*pr->description_);
    }
    static gaggle_status GAGGLE_ABI t_stream(gaggle_plugin* p, gaggle_str rq, const gaggle_provider_sink* sink,
                                             const gaggle_cancel* cancel, gaggle_error* err) noexcept
    {
        return guarded(err, [&] { self(p)->stream(view(rq), EventSink(sink), Cancel(cancel)); });
    }
    static gaggle_status GAGGLE_ABI t_list(gaggle_plugin* p, gaggle_str rq, gaggle_buffer* out,
                                           gaggle_error* err) noexcept
    {
        return guarded(err, [&] {
            const std::string models = self(p)->list_models(view(rq));
            const Host& host = Plugin::from(p)->host();
            out->data = static_cast<char*>(host.raw()->alloc(host.raw(), models.size() + 1));
            if (!out->data) throw Error(GAGGLE_ERR_INTERNAL, "out of memory");
            std::memcpy(out->data, models.data(), models.size());
            out->data[models.size()] = '\0';
            out->size = models.size();
        });
    }
    std::once_flag described_;
    std::optional<std::string> description_;
};

// ---- transport: frames to and from an MCP server -----------------------------------------------

class FrameSink {
public:
    explicit FrameSink(const gaggle_frame_sink* s) noexcept : s_(*s) {}
    void frame(std::string_view json) const noexcept { s_.on_frame(s_.ctx, str(json)); }
    void closed(gaggle_status status, const char* reason) const noexcept { s_.on_closed(s_.ctx, status, reason); }

private:
    gaggle_frame_sink s_;
};

// One open connection; the transport plugin subclasses it. Deleting it closes the connection.
class Connection {
public:
    virtual ~Connection() = default;
    virtual void send(std::string_view frame_json) = 0;
};

// What the host resolved for a connection: the session's working folder and the environment to
// add (secrets included). Views valid only during open(); copy what you keep. A host or plugin
// of ABI 1.0 passes an empty context.
struct OpenContext {
    std::string_view working_dir;
    std::string_view session_id;
    std::vector<std::pair<std::string_view, std::string_view>> env;
};

class Transport {
public:
    virtual ~Transport() = default;
    // ExtensionConfig types served; must stay valid until destroy (e.g. a static array).
    virtual const char* const* types() const noexcept = 0;
    virtual Connection* open(std::string_view config_json, const OpenContext& context, FrameSink inbound) = 0;

    // This transport's own table (each plugin object has one, filled once, so concurrent
    // get_interface calls never write shared memory).
    const gaggle_transport_v1* table() noexcept
    {
        std::call_once(table_filled_, [this] {
            table_ = gaggle_transport_v1{};
            table_.struct_size = sizeof(gaggle_transport_v1);
            table_.types = types();
            table_.open = &t_open;
            table_.send = &t_send;
            table_.close = &t_close;
#if GAGGLE_TARGET_ABI_MINOR >= 1
            table_.open_with_context = &t_open_with_context;
#endif
        });
        return &table_;
    }

private:
    static Transport* self(gaggle_plugin* p) noexcept { return dynamic_cast<Transport*>(Plugin::from(p)); }
    static gaggle_status GAGGLE_ABI t_open(gaggle_plugin* p, gaggle_str cfg, const gaggle_frame_sink* in,
                                           gaggle_transport_conn** out, gaggle_error* err) noexcept
    {
        return guarded(err, [&] {
            *out = reinterpret_cast<gaggle_transport_conn*>(self(p)->open(view(cfg), OpenContext{}, FrameSink(in)));
        });
    }
#if GAGGLE_TARGET_ABI_MINOR >= 1
    static gaggle_status GAGGLE_ABI t_open_with_context(gaggle_plugin* p, gaggle_str cfg,
                                                        const gaggle_transport_open_context* c,
                                                        const gaggle_frame_sink* in, gaggle_transport_conn** out,
                                                        gaggle_error* err) noexcept
    {
        return guarded(err, [&] {
            OpenContext context;
            // Fields beyond the caller's struct_size are absent (an older host filled it).
            if (c && c->struct_size >= offsetof(gaggle_transport_open_context, session_id)) {
                context.working_dir = c->working_dir ? std::string_view(c->working_dir) : std::string_view();
                for (size_t i = 0; i < c->env_count; ++i) context.env.emplace_back(view(c->env[i].name), view(c->env[i].value));
            }
            if (c && c->struct_size >= sizeof(gaggle_transport_open_context) && c->session_id)
                context.session_id = c->session_id;
            *out = reinterpret_cast<gaggle_transport_conn*>(self(p)->open(view(cfg), context, FrameSink(in)));
        });
    }
#endif
    static gaggle_status GAGGLE_ABI t_send(gaggle_transport_conn* c, gaggle_str frame, gaggle_error* err) noexcept
    {
        return guarded(err, [&] { reinterpret_cast<Connection*>(c)->send(view(frame)); });
    }
    static void GAGGLE_ABI t_close(gaggle_transport_conn* c) noexcept { delete reinterpret_cast<Connection*>(c); }

    std::once_flag table_filled_;
    gaggle_transport_v1 table_{};
};

// ---- the entry point ---------------------------------------------------------------------------

template <class P>
struct Entry {
    static_assert(std::is_base_of_v<Plugin, P>, "a plugin class derives from gaggle::sdk::Plugin");
    static constexpr bool is_provider = std::is_base_of_v<Provider, P>;
    static constexpr bool is_transport = std::is_base_of_v<Transport, P>;
    static constexpr bool is_feature = std::is_base_of_v<Feature, P>;

    static std::array<const char*, 4> kinds() noexcept
    {
        std::array<const char*, 4> a{};
        size_t i = 0;
        if (is_provider) a[i++] = GAGGLE_KIND_PROVIDER;
        if (is_transport) a[i++] = GAGGLE_KIND_TRANSPORT;
        if (is_feature) a[i++] = GAGGLE_KIND_FEATURE;
        return a;
    }
    static std::array<const char*, 4> interfaces() noexcept
    {
        std::array<const char*, 4> a{};
        size_t i = 0;
        if (is_provider) a[i++] = GAGGLE_PROVIDER_V1;
        if (is_transport) a[i++] = GAGGLE_TRANSPORT_V1;
        if (is_feature) a[i++] = GAGGLE_FEATURE_V1;
        return a;
    }

    static gaggle_status GAGGLE_ABI create(const gaggle_host* host, gaggle_str config, gaggle_plugin** out,
                                           gaggle_error* err) noexcept
    {
        return guarded(err, [&] { *out = static_cast<Plugin*>(new P(Host(host), view(config)))->handle(); });
    }
    static void GAGGLE_ABI destroy(gaggle_plugin* p) noexcept { delete Plugin::from(p); }
    static const void* GAGGLE_ABI get_interface(gaggle_plugin* p, const char* id) noexcept
    {
        if (!id) return nullptr;
        if constexpr (is_provider)
            if (std::strcmp(id, GAGGLE_PROVIDER_V1) == 0) return Provider::table();
        if constexpr (is_feature)
            if (std::strcmp(id, GAGGLE_FEATURE_V1) == 0) return Feature::table();
        if constexpr (is_transport)
            if (std::strcmp(id, GAGGLE_TRANSPORT_V1) == 0)
                return dynamic_cast<Transport*>(Plugin::from(p))->table();
        return nullptr;
    }
};

} // namespace gaggle::sdk
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

// Declare the plugin class P with its descriptor and export the entry symbol. Use once per library.
#define GAGGLE_PLUGIN(P, ID, NAME, VERSION, DESCRIPTION)                                                  \
    namespace {                                                                                           \
    const std::array<const char*, 4> gaggle_sdk_kinds_ = ::gaggle::sdk::Entry<P>::kinds();                \
    const std::array<const char*, 4> gaggle_sdk_interfaces_ = ::gaggle::sdk::Entry<P>::interfaces();      \
    const gaggle_plugin_descriptor gaggle_sdk_descriptor_ = {sizeof(gaggle_plugin_descriptor), ID, NAME,  \
        "", VERSION, DESCRIPTION, gaggle_sdk_kinds_.data(), gaggle_sdk_interfaces_.data()};               \
    const gaggle_plugin_entry gaggle_sdk_entry_ = {sizeof(gaggle_plugin_entry), GAGGLE_TARGET_ABI_VERSION_INIT, \
        &gaggle_sdk_descriptor_, &::gaggle::sdk::Entry<P>::create, &::gaggle::sdk::Entry<P>::destroy,     \
        &::gaggle::sdk::Entry<P>::get_interface};                                                         \
    }                                                                                                     \
    GAGGLE_EXPORT_ENTRY(gaggle_sdk_entry_)

#endif // GAGGLE_CPP_PLUGIN_HPP
