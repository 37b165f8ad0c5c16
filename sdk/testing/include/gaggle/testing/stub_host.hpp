// Gaggle plugin SDK: a stub host for unit-testing a plugin without the server. Header-only C++17.
//
// It hands the plugin a real gaggle_host table whose log, alloc/free, "gaggle.host.config/1" and
// "gaggle.host.kv/1" live in memory, then drives the plugin through its C entry exactly as the
// host does (create, get_interface, start/stop, destroy), so a test exercises the same trampolines.
// Other services (http, timers, agent turns, paths) answer NULL, as on a host that lacks them:
// a plugin is expected to cope with that.
//
//     gaggle::testing::StubHost host;
//     host.config["MY_KEY"] = "v";
//     auto plugin = host.load(gaggle_plugin_entry_v1());   // link the plugin's sources into the test
//     auto response = plugin.get("/hello/ann");            // a feature's route, through handle()
//
// Thread-safe like the real host: the plugin may call it from any thread.
#ifndef GAGGLE_TESTING_STUB_HOST_HPP
#define GAGGLE_TESTING_STUB_HOST_HPP

#include <gaggle/gaggle.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gaggle::testing {

struct StubResponse {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
    gaggle_status result = GAGGLE_OK; // what handle() returned
    std::string error;                // its error message when it failed
};

class StubHost;

// A created plugin. Destroys it (stopping a started feature first) when it goes out of scope.
class StubPlugin {
public:
    StubPlugin(const gaggle_plugin_entry* entry, gaggle_plugin* handle) : entry_(entry), handle_(handle) {}
    StubPlugin(StubPlugin&& o) noexcept
        : entry_(o.entry_), handle_(std::exchange(o.handle_, nullptr)), started_(o.started_), routes_(std::move(o.routes_)) {}
    StubPlugin(const StubPlugin&) = delete;
    StubPlugin& operator=(const StubPlugin&) = delete;
    ~StubPlugin()
    {
        if (!handle_) return;
        if (started_) feature()->stop(handle_);
        entry_->destroy(handle_);
    }

    gaggle_plugin* handle() const noexcept { return handle_; }
    template <class T>
    const T* interface(const char* id) const
    {
        return static_cast<const T*>(entry_->get_interface(handle_, id));
    }
    const gaggle_feature_v1* feature() const
    {
        auto* f = interface<gaggle_feature_v1>(GAGGLE_FEATURE_V1);
        if (!f) throw std::logic_error("the plugin serves no gaggle.feature/1");
        return f;
    }

    // Starts the feature (once) and serves `method path` through the route that matches it.
    StubResponse request(const std::string& method, const std::string& path, const std::string& body = {})
    {
        const gaggle_feature_v1* f = feature();
        {
            // start() and routes() are [main-thread]: called once, under a lock, as the host does;
            // only handle() runs on the (concurrent) request threads.
            std::lock_guard lock(start_mutex_);
            if (!started_) {
                gaggle_error err = error();
                if (f->start(handle_, &err) != GAGGLE_OK) throw std::runtime_error(std::string("start: ") + err.message);
                size_t count = 0;
                const gaggle_route* routes = f->routes(handle_, &count);
                for (size_t i = 0; routes && i < count; ++i) routes_.emplace_back(routes[i].method, routes[i].path);
                started_ = true;
            }
        }
        for (size_t i = 0; i < routes_.size(); ++i) {
            std::vector<std::pair<std::string, std::string>> params;
            if (method == routes_[i].first && match(routes_[i].second, path, params)) return call(f, i, method, path, body, params);
        }
        StubResponse none;
        none.status = 404;
        return none;
    }
    StubResponse get(const std::string& path) { return request("GET", path); }

private:
    static gaggle_error error()
    {
        gaggle_error e{};
        e.struct_size = sizeof e;
        return e;
    }
    // Literal segments must be equal; {name} takes one segment.
    static bool match(const std::string& pattern, const std::string& path, std::vector<std::pair<std::string, std::string>>& params)
    {
        size_t p = 0, q = 0;
        while (p < pattern.size() && q < path.size()) {
            const size_t pe = pattern.find('/', p + 1), qe = path.find('/', q + 1);
            const std::string ps = pattern.substr(p, pe - p), qs = path.substr(q, qe - q);
            if (ps.size() > 2 && ps[1] == '{' && ps.back() == '}') params.emplace_back(ps.substr(2, ps.size() - 3), qs.substr(1));
            else if (ps != qs) return false;
            p = pe == std::string::npos ? pattern.size() : pe;
            q = qe == std::string::npos ? path.size() : qe;
        }
        return p == pattern.size() && q == path.size();
    }
    StubResponse call(const gaggle_feature_v1* f, size_t index, const std::string& method, const std::string& path,
                      const std::string& body, const std::vector<std::pair<std::string, std::string>>& params)
    {
        std::vector<gaggle_http_header> views;
        for (auto& [k, v] : params) views.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
        gaggle_http_request_view rq{};
        rq.struct_size = sizeof rq;
        rq.method = method.c_str();
        rq.path = path.c_str();
        rq.query = "";
        rq.path_params = views.data();
        rq.path_param_count = views.size();
        rq.body = {body.data(), body.size()};
        rq.user_id = "default";
        StubResponse out;
        gaggle_http_responder rs{};
        rs.struct_size = offsetof(gaggle_http_responder, write) + sizeof(rs.write); // a 1.0 responder
        rs.ctx = &out;
        rs.set_status = [](void* c, int32_t s) { static_cast<StubResponse*>(c)->status = s; };
        rs.set_header = [](void* c, const char* n, const char* v) { static_cast<StubResponse*>(c)->headers[n] = v; };
        rs.write = [](void* c, gaggle_str chunk) -> gaggle_status {
            static_cast<StubResponse*>(c)->body.append(chunk.data ? chunk.data : "", chunk.size);
            return GAGGLE_OK;
        };
        gaggle_error err = error();
        out.result = f->handle(handle_, index, &rq, &rs, &err);
        if (out.result != GAGGLE_OK) out.error = err.message;
        return out;
    }

    const gaggle_plugin_entry* entry_;
    gaggle_plugin* handle_;
    bool started_ = false;
    std::mutex start_mutex_;
    std::vector<std::pair<std::string, std::string>> routes_; // method, path template
};

class StubHost {
public:
    // What the plugin sees through "gaggle.host.config/1"; set before load().
    std::map<std::string, std::string> config, secrets;

    StubHost()
    {
        table_.struct_size = sizeof table_;
        table_.abi = gaggle_version{GAGGLE_ABI_VERSION_MAJOR, GAGGLE_ABI_VERSION_MINOR, 0};
        table_.host_data = this;
        table_.host_name = "gaggle-stub";
        table_.host_version = "0";
        table_.log = &log_fn;
        table_.alloc = [](const gaggle_host*, size_t n) -> void* { return std::malloc(n ? n : 1); };
        table_.free = [](const gaggle_host*, void* p) { std::free(p); };
        table_.get_service = &service_fn;
    }
    StubHost(const StubHost&) = delete;
    StubHost& operator=(const StubHost&) = delete;

    const gaggle_host* raw() const noexcept { return &table_; }

    // Runs the entry's create() with `config_json`; throws with the plugin's message on failure.
    StubPlugin load(const gaggle_plugin_entry* entry, const std::string& config_json = "{}")
    {
        gaggle_error err{};
        err.struct_size = sizeof err;
        gaggle_plugin* handle = nullptr;
        if (entry->create(&table_, {config_json.data(), config_json.size()}, &handle, &err) != GAGGLE_OK || !handle)
            throw std::runtime_error(std::string("create failed: ") + err.message);
        return StubPlugin(entry, handle);
    }

    // Log lines written so far, as "LEVEL message".
    std::vector<std::string> logs() const
    {
        std::lock_guard lock(mutex_);
        return logs_;
    }
    std::map<std::string, std::string> kv() const
    {
        std::lock_guard lock(mutex_);
        return kv_;
    }

private:
    static StubHost& self(const gaggle_host* h) { return *static_cast<StubHost*>(h->host_data); }
    static char* copy(const std::string& s)
    {
        auto* p = static_cast<char*>(std::malloc(s.size() + 1));
        if (p) std::memcpy(p, s.c_str(), s.size() + 1);
        return p;
    }
    static void GAGGLE_ABI log_fn(const gaggle_host* h, int32_t level, gaggle_str m)
    {
        static const char* names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
        StubHost& s = self(h);
        std::lock_guard lock(s.mutex_);
        s.logs_.push_back(std::string(level >= 0 && level <= 4 ? names[level] : "INFO") + " " +
                          std::string(m.data ? m.data : "", m.size));
    }
    static char* lookup(const std::map<std::string, std::string>& m, const char* key)
    {
        auto it = key ? m.find(key) : m.end();
        return it == m.end() ? nullptr : copy(it->second);
    }
    static char* GAGGLE_ABI config_get(const gaggle_host* h, const char* key) { return lookup(self(h).config, key); }
    static char* GAGGLE_ABI secret_get(const gaggle_host* h, const char* key) { return lookup(self(h).secrets, key); }
    static gaggle_status GAGGLE_ABI kv_get(const gaggle_host* h, const char* key, gaggle_buffer* out, gaggle_error*)
    {
        StubHost& s = self(h);
        std::lock_guard lock(s.mutex_);
        auto it = s.kv_.find(key ? key : "");
        if (it == s.kv_.end()) return GAGGLE_ERR_NOT_FOUND;
        out->data = copy(it->second);
        out->size = it->second.size();
        return GAGGLE_OK;
    }
    static gaggle_status GAGGLE_ABI kv_put(const gaggle_host* h, const char* key, gaggle_str value, gaggle_error*)
    {
        if (!key || !*key || std::strlen(key) > GAGGLE_KV_MAX_KEY_BYTES || value.size > GAGGLE_KV_MAX_VALUE_BYTES)
            return GAGGLE_ERR_INVALID_ARGUMENT;
        StubHost& s = self(h);
        std::lock_guard lock(s.mutex_);
        s.kv_[key] = std::string(value.data ? value.data : "", value.size);
        return GAGGLE_OK;
    }
    static gaggle_status GAGGLE_ABI kv_remove(const gaggle_host* h, const char* key, gaggle_error*)
    {
        StubHost& s = self(h);
        std::lock_guard lock(s.mutex_);
        s.kv_.erase(key ? key : "");
        return GAGGLE_OK;
    }
    static const void* GAGGLE_ABI service_fn(const gaggle_host*, const char* id)
    {
        static const gaggle_host_config_v1 config_table = {sizeof(gaggle_host_config_v1), &config_get, &secret_get};
        static const gaggle_host_kv_v1 kv_table = {sizeof(gaggle_host_kv_v1), &kv_get, &kv_put, &kv_remove};
        if (id && std::strcmp(id, GAGGLE_HOST_CONFIG_V1) == 0) return &config_table;
        if (id && std::strcmp(id, GAGGLE_HOST_KV_V1) == 0) return &kv_table;
        return nullptr;
    }

    gaggle_host table_{};
    mutable std::mutex mutex_;
    std::vector<std::string> logs_;
    std::map<std::string, std::string> kv_;
};

} // namespace gaggle::testing

#endif // GAGGLE_TESTING_STUB_HOST_HPP
