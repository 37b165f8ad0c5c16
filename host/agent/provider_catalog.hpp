#pragma once
// Every provider this server can use: those the provider plugins describe, and declarative ones
// (JSON files in config/custom_providers/) that reuse a plugin's engine with their own base URL,
// key and models. It answers GET /config/providers and turns a provider name into a call.
#include "agent/cancel_token.hpp"
#include "common/json.hpp"
#include "config/config.hpp"
#include "plugin/plugin_registry.hpp"

#include "plugin/gaggle_abi.hpp"

#include <deque>
#include <filesystem>
#include <functional>
#include <string_view>
#include <optional>
#include <shared_mutex>
#include <string>
#include <variant>
#include <vector>

namespace gaggle {

struct ProviderEntry {
    std::string name;
    std::string provider_type; // "Builtin" (a plugin) or "Declarative" (a JSON file)
    Json metadata;             // ProviderMetadata
    const LoadedPlugin* plugin = nullptr;
    const gaggle_provider_v1* table = nullptr;
    std::optional<Json> declaration; // the JSON file of a declarative provider
    bool removed = false;            // replaced or deleted; kept alive for turns still holding it
};

// The outcome of one provider call. status is a GAGGLE_* code; message the provider's own words.
struct ProviderOutcome {
    gaggle_status status = GAGGLE_OK;
    std::string message;
};

// Thread-safe. Entries are never destroyed while the server runs: a custom provider that is
// updated or deleted is marked removed and a new entry is added, so a turn holding a pointer
// keeps a valid one.
class ProviderCatalog {
public:
    ProviderCatalog(const PluginRegistry& plugins, const Config& config);

    // A snapshot of the live entries.
    std::vector<ProviderEntry> entries() const;
    const ProviderEntry* find(const std::string& name) const noexcept;
    // Every required config key (secret or not) has a value.
    bool is_configured(const ProviderEntry& entry) const { return missing_config(entry).empty(); }
    // The names of the required config keys that have neither a value nor a default.
    std::vector<std::string> missing_config(const ProviderEntry& entry) const;
    // ProviderDetails JSON for every provider.
    Json details() const;
    // The context limit of a model: the provider's known model, else 128k.
    std::int64_t context_limit(const ProviderEntry& entry, const std::string& model) const;

    // [blocking] Streams one completion; each event JSON goes to on_event on this thread.
    ProviderOutcome stream(const ProviderEntry& entry, Json request, const std::function<void(const Json&)>& on_event,
                           const CancelToken& cancel) const;
    // The same, with the request's `messages` given as the text of a JSON array (a turn's stored
    // conversation, sent without parsing or copying it again); `request` holds the rest.
    ProviderOutcome stream(const ProviderEntry& entry, Json request, std::string_view messages_json,
                           const std::function<void(const Json&)>& on_event, const CancelToken& cancel) const;
    // [blocking] The provider's model names, or throws gaggle::Error: 400 for the caller's
    // credentials or request, 429 rate limited, 502 an upstream failure, 504 an upstream timeout.
    // `api_key`, when given, is tried instead of the configured one (detect-provider).
    std::vector<std::string> list_models(const ProviderEntry& entry, const std::optional<std::string>& api_key = {}) const;

    // Custom providers (config/custom_providers/<name>.json): the declaration is checked and
    // written, then the entry replaces any of the same name. Throws invalid_argument for a bad
    // declaration, not_found when removing an unknown name.
    void put_declarative(const Json& declaration);
    void remove_declarative(const std::string& name);
    std::filesystem::path custom_dir() const;

private:
    void add_plugin_providers(const PluginRegistry& plugins);
    void add_declarative_providers();
    // The entry for a declaration, or an error message.
    std::variant<ProviderEntry, std::string> declarative_entry(const Json& decl) const;
    const ProviderEntry* find_locked(const std::string& name) const noexcept;
    Json connection_for(const ProviderEntry& entry) const;
    // The request's text with schema, provider and connection added (then `,"messages":...` may
    // be spliced in before its closing brace).
    std::string request_text(const ProviderEntry& entry, Json request) const;
    ProviderOutcome stream_text(const ProviderEntry& entry, const std::string& text, const std::function<void(const Json&)>& on_event,
                                const CancelToken& cancel) const;

    const PluginRegistry& plugins_;
    const Config& config_;
    mutable std::shared_mutex mutex_;
    std::deque<ProviderEntry> entries_; // a deque: adding never moves an entry
};

// Maps a provider failure status to the error class wording users see and the HTTP error kind.
std::string provider_error_class(gaggle_status status);

} // namespace gaggle
