#pragma once
// Builds the gaggle_host function table one plugin receives. Each plugin gets its own table (and
// its own HostTable object behind host_data) so log lines and key-value data carry its id.
#include "plugin/host_services.hpp"
#include "plugin/timer_service.hpp"

#include "plugin/gaggle_abi.hpp"

#include <mutex>
#include <string>

namespace gaggle {

class HostTable {
public:
    // `plugin_dir` is the folder the library was loaded from; `timers` may be null (no timer service).
    HostTable(std::string plugin_id, const HostServices* services, std::string plugin_dir = {},
              TimerService* timers = nullptr);
    ~HostTable();
    HostTable(const HostTable&) = delete;
    HostTable& operator=(const HostTable&) = delete;

    const gaggle_host* table() const noexcept { return &table_; }
    const std::string& plugin_id() const noexcept { return plugin_id_; }
    const HostServices& services() const noexcept { return *services_; }
    const std::string& plugin_dir() const noexcept { return plugin_dir_; }
    TimerService* timers() const noexcept { return timers_; }
    // Cancels this plugin's timers, waiting for a running callback: before destroy().
    void cancel_timers() const
    {
        if (timers_) timers_->cancel_all(this);
    }
    // <services.data_dir>/plugins/<id>, created on first use; throws when it cannot be.
    const std::string& data_dir() const;

    // The HostTable behind a gaggle_host handed to a plugin.
    static const HostTable& of(const gaggle_host* host) noexcept;

private:
    std::string plugin_id_;
    const HostServices* services_;
    std::string plugin_dir_;
    TimerService* timers_;
    mutable std::mutex data_dir_mutex_;
    mutable std::string data_dir_;
    gaggle_host table_{};
};

} // namespace gaggle
