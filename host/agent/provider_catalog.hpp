#pragma once
// Every provider this server can use: those the provider plugins describe, and declarative ones
// (JSON files in config/custom_providers/) that reuse a plugin's engine with their own base URL,
// key and models. It answers GET /config/providers and turns a provider name into a call.
#include "agent/cancel_token.hpp"
#include "common/json.hpp"
#include "config/config.hpp"
#include "plugin/plugin_registry.hpp"

#include "plugin/gaggle_abi.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct ProviderEntry {
    std::string name;
    std::string provider_type; // "Builtin" (a plugin) or "Declarative" (a JSON file)
    Json metadata;             // ProviderMetadata
    const LoadedPlugin* plugin = nullptr;
    const gaggle_provider_v1* table = nullptr;
    std::optional<Json> declaration; // the JSON file of a declarative provider
};

// The outcome of one provider call. status is a GAGGLE_* code; message the provider's own words.
struct ProviderOutcome {
    gaggle_status status = GAGGLE_OK;
    std::string message;
};

class ProviderCatalog {
public:
    ProviderCatalog(const PluginRegistry& plugins, const Config& config);

    const std::vector<ProviderEntry>& entries() const noexcept { return entries_; }
    const ProviderEntry* find(const std::string& name) const noexcept;
    // Every required config key (secret or not) has a value.
    bool is_configured(const ProviderEntry& entry) const;
    // ProviderDetails JSON for every provider.
    Json details() const;
    // The context limit of a model: the provider's known model, else 128k.
    std::int64_t context_limit(const ProviderEntry& entry, const std::string& model) const;

    // [blocking] Streams one completion; each event JSON goes to on_event on this thread.
    ProviderOutcome stream(const ProviderEntry& entry, Json request, const std::function<void(const Json&)>& on_event,
                           const CancelToken& cancel) const;
    // [blocking] The provider's model names, or throws gaggle::Error with the mapped kind.
    std::vector<std::string> list_models(const ProviderEntry& entry) const;

private:
    void add_plugin_providers(const PluginRegistry& plugins);
    void add_declarative_providers(const PluginRegistry& plugins);
    Json connection_for(const ProviderEntry& entry) const;

    const Config& config_;
    std::vector<ProviderEntry> entries_;
};

// Maps a provider failure status to the error class wording users see and the HTTP error kind.
std::string provider_error_class(gaggle_status status);

} // namespace gaggle
