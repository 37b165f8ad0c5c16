#pragma once
// Shared by the provider plugin tests: load one shipped provider plugin through the real loader
// (with config served from a map the test controls), run stream()/list_models() through its C
// table exactly as the host does, and collect the events.
#include "plugin/plugin_registry.hpp"
#include "scripted_provider/scripted_provider.hpp"

#include "json_schema_subset.hpp"

#include <gaggle/provider.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace provider_test {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

inline long long ms_since(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// A folder holding only the named plugin, so these tests never depend on other plugins' health.
inline std::string plugin_folder(const std::string& id)
{
    namespace fs = std::filesystem;
    // Named after the build's plugin folder, so reruns reuse it instead of littering /tmp.
    const std::string build = std::to_string(std::hash<std::string>{}(GAGGLE_TEST_PLUGIN_DIR));
    const fs::path dir = fs::temp_directory_path() / ("gaggle-provider-tests-" + build) / id;
    fs::create_directories(dir);
    const fs::path link = dir / (id + ".so");
    std::error_code ec;
    if (!fs::exists(link, ec)) fs::create_symlink(fs::path(GAGGLE_TEST_PLUGIN_DIR) / (id + ".so"), link, ec);
    return dir.string();
}

// A cancel token the test raises from the event sink or another thread.
struct CancelFlag {
    gaggle_cancel token{sizeof(gaggle_cancel), this, &CancelFlag::check};
    std::atomic<bool> raised{false};
    static int32_t GAGGLE_ABI check(const gaggle_cancel* self) { return static_cast<CancelFlag*>(self->ctx)->raised ? 1 : 0; }
};

struct StreamResult {
    gaggle_status status = GAGGLE_OK;
    std::string message;
    std::vector<json> events;
    long long elapsed_ms = 0;

    std::vector<json> of_type(const std::string& type) const
    {
        std::vector<json> out;
        for (const auto& e : events)
            if (e.value("type", "") == type) out.push_back(e);
        return out;
    }
    std::string text() const
    {
        std::string out;
        for (const auto& e : of_type("text")) out += e["text"].get<std::string>();
        return out;
    }
};

// Default test settings: tight timeouts and no retries unless a test asks for them.
inline std::map<std::string, std::string> fast_config()
{
    return {{"GAGGLE_PROVIDER_IDLE_TIMEOUT", "0.3"}, {"GAGGLE_PROVIDER_CONNECT_TIMEOUT", "2"},
            {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}, {"GAGGLE_PROVIDER_RETRY_BASE_MS", "10"}};
}

class Harness {
public:
    Harness(const std::string& id, std::map<std::string, std::string> config)
        : config_(std::make_shared<Config>())
    {
        config_->values = std::move(config);
        gaggle::HostServices services;
        auto cfg = config_;
        services.config_get = [cfg](const std::string& key) { return cfg->get(key); };
        services.secret_get = [cfg](const std::string& key) { return cfg->get(key); };
        registry_ = std::make_unique<gaggle::PluginRegistry>(services);
        registry_->scan({plugin_folder(id)});
        std::string refusals;
        for (const auto& r : registry_->records()) refusals += r.path + ": " + r.refusal + "; ";
        plugin_ = registry_->find(id);
        REQUIRE_MESSAGE(plugin_, "plugin " << id << " did not load from " << GAGGLE_TEST_PLUGIN_DIR << " " << refusals);
        table_ = plugin_->interface_as<gaggle_provider_v1>(GAGGLE_PROVIDER_V1);
        REQUIRE(table_);
    }

    void set(const std::string& key, const std::string& value)
    {
        std::lock_guard lock(config_->mutex);
        config_->values[key] = value;
    }

    json describe() const
    {
        const gaggle_str s = table_->describe(plugin_->handle());
        return json::parse(std::string(s.data, s.size));
    }

    // Runs stream(); `on_event` (optional) sees each event as it arrives, e.g. to cancel.
    StreamResult stream(const json& request, CancelFlag* cancel = nullptr,
                        std::function<void(const json&)> on_event = {}) const
    {
        struct Ctx {
            StreamResult* result;
            std::function<void(const json&)>* on_event;
        };
        StreamResult result;
        Ctx ctx{&result, &on_event};
        gaggle_provider_sink sink{sizeof(gaggle_provider_sink), &ctx, [](void* c, gaggle_str event) {
                                      auto* x = static_cast<Ctx*>(c);
                                      x->result->events.push_back(json::parse(std::string(event.data, event.size)));
                                      if (*x->on_event) (*x->on_event)(x->result->events.back());
                                  }};
        gaggle_error err{};
        err.struct_size = sizeof(err);
        const std::string text = request.dump();
        const auto start = Clock::now();
        result.status = table_->stream(plugin_->handle(), gaggle_str{text.data(), text.size()}, &sink,
                                       cancel ? &cancel->token : nullptr, &err);
        result.elapsed_ms = ms_since(start);
        if (result.status != GAGGLE_OK) result.message = err.message;
        // Every event a shipped provider emits must match the gaggle.chat/1 schema of sdk/, and so
        // must every request a provider accepted (the malformed ones are tests of refusal).
        static const auto schema = gaggle::test::SchemaSubset::load(std::string(GAGGLE_TEST_FIXTURES_DIR) +
                                                                    "/../../sdk/schema/gaggle.chat.1.json");
        if (result.status == GAGGLE_OK) {
            INFO("request: " << request.dump());
            CHECK(schema.validate(request, "request") == "");
        }
        for (const auto& e : result.events) {
            INFO("event: " << e.dump());
            CHECK(schema.validate(e, "event") == "");
        }
        return result;
    }

    // Runs list_models(); returns the status and the JSON array (or the error message as a string).
    std::pair<gaggle_status, json> list_models(const json& request) const
    {
        gaggle_buffer out{nullptr, 0};
        gaggle_error err{};
        err.struct_size = sizeof(err);
        const std::string text = request.dump();
        const gaggle_status st = table_->list_models(plugin_->handle(), gaggle_str{text.data(), text.size()}, &out, &err);
        if (st != GAGGLE_OK) return {st, json(std::string(err.message))};
        json models = json::parse(std::string(out.data, out.size));
        plugin_->host()->free(plugin_->host(), out.data);
        return {st, models};
    }

private:
    struct Config {
        std::mutex mutex;
        std::map<std::string, std::string> values;
        std::optional<std::string> get(const std::string& key)
        {
            std::lock_guard lock(mutex);
            auto it = values.find(key);
            if (it == values.end()) return std::nullopt;
            return it->second;
        }
    };
    std::shared_ptr<Config> config_;
    std::unique_ptr<gaggle::PluginRegistry> registry_;
    const gaggle::LoadedPlugin* plugin_ = nullptr;
    const gaggle_provider_v1* table_ = nullptr;
};

// A gaggle.chat/1 request with one user message.
inline json chat_request(const std::string& provider, const std::string& model, const std::string& user_text = "Hello?")
{
    return json{{"schema", "gaggle.chat/1"},
                {"provider", provider},
                {"model", model},
                {"system", "You are a test."},
                {"messages", json::array({json{{"id", "m1"}, {"role", "user"}, {"created", 1700000000},
                                               {"content", json::array({json{{"type", "text"}, {"text", user_text}}})},
                                               {"metadata", {{"userVisible", true}, {"agentVisible", true}}}}})},
                {"tools", json::array({json{{"name", "developer__shell"}, {"description", "Run a command"},
                                            {"inputSchema", {{"type", "object"}, {"properties", {{"command", {{"type", "string"}}}}}}}}})},
                {"settings", json::object()}};
}

// A goose message.
inline json message(const std::string& role, json content)
{
    return json{{"id", "m-" + role}, {"role", role}, {"created", 1700000000}, {"content", std::move(content)},
                {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
}

inline json tool_request(const std::string& id, const std::string& name, json arguments)
{
    return json{{"type", "toolRequest"}, {"id", id}, {"toolCall", {{"status", "success"}, {"value", {{"name", name}, {"arguments", std::move(arguments)}}}}}};
}

inline json tool_response(const std::string& id, json content, bool is_error = false)
{
    return json{{"type", "toolResponse"}, {"id", id},
                {"toolResult", {{"status", "success"}, {"value", {{"content", std::move(content)}, {"isError", is_error}}}}}};
}

} // namespace provider_test
