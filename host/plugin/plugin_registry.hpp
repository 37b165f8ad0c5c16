#pragma once
// Finds plugin libraries, checks them before trusting them, creates them, and keeps them.
//
// Every refusal is one clear log line and a PluginRecord with the reason; the host keeps running.
// Libraries are never unloaded while the process lives (a plugin's code may still be referenced
// by a thread or a static destructor), only destroyed.
#include "plugin/host_services.hpp"
#include "plugin/host_table.hpp"

#include "plugin/gaggle_abi.hpp"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gaggle {

struct PluginRecord {
    std::string path, id, name, version, description, refusal; // refusal empty when loaded
    std::vector<std::string> kinds, interfaces;
    gaggle_version sdk_abi{0, 0, 0};
    bool loaded = false;
};

class LoadedPlugin {
public:
    LoadedPlugin(const gaggle_plugin_entry* entry, std::unique_ptr<HostTable> host, gaggle_plugin* handle,
                 std::string id, std::vector<std::string> interfaces, gaggle_version target);
    ~LoadedPlugin();
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;

    const std::string& id() const noexcept { return id_; }
    // The table for an interface the descriptor declared (and the load checks passed), else NULL.
    const void* interface(const char* interface_id) const noexcept;
    bool declares(const char* interface_id) const noexcept;
    // Same, typed. Its required 1.0 slots were checked at load; check later slots with has_slot().
    template <class T>
    const T* interface_as(const char* interface_id) const noexcept
    {
        return static_cast<const T*>(interface(interface_id));
    }
    // The ABI the plugin targets (its entry's sdk_abi): a host offers it nothing newer.
    gaggle_version target_abi() const noexcept { return target_; }
    gaggle_plugin* handle() const noexcept { return handle_; }
    const gaggle_host* host() const noexcept { return host_->table(); }

private:
    const gaggle_plugin_entry* entry_;
    std::unique_ptr<HostTable> host_;
    gaggle_plugin* handle_;
    std::string id_;
    std::vector<std::string> interfaces_;
    gaggle_version target_;
};

// Reads an entry without creating the plugin: for `gaggle plugins inspect` and for scanning.
// Returns the record (refusal filled when a check fails) and the entry when the checks passed.
struct Inspection {
    PluginRecord record;
    const gaggle_plugin_entry* entry = nullptr;
};
// `host_abi` is the ABI the host claims; tests pass an older one to play an older host.
Inspection inspect_plugin_file(const std::string& path, gaggle_version host_abi = GAGGLE_ABI_VERSION_INIT);

class PluginRegistry {
public:
    explicit PluginRegistry(HostServices services, gaggle_version abi = GAGGLE_ABI_VERSION_INIT);
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Scans directories (non-recursive, *.so), checks and creates every plugin not disabled by id.
    // plugin_config(id) gives the JSON text handed to create() ("{}" when unset).
    void scan(const std::vector<std::string>& directories, const std::set<std::string>& disabled = {},
              std::function<std::string(const std::string&)> plugin_config = {});

    const std::vector<PluginRecord>& records() const noexcept { return records_; }
    const LoadedPlugin* find(const std::string& id) const noexcept;
    std::vector<const LoadedPlugin*> with_interface(const char* interface_id) const;

private:
    void load_one(const std::string& path, const std::set<std::string>& disabled,
                  const std::function<std::string(const std::string&)>& plugin_config);

    HostServices services_;
    gaggle_version abi_;
    TimerService timers_; // outlives every plugin (declared before loaded_)
    std::vector<PluginRecord> records_;
    std::vector<std::unique_ptr<LoadedPlugin>> loaded_;
};

} // namespace gaggle
