#pragma once
// Builds the gaggle_host function table one plugin receives. Each plugin gets its own table (and
// its own HostTable object behind host_data) so log lines and key-value data carry its id.
#include "plugin/host_services.hpp"

#include <gaggle/host.h>

#include <string>

namespace gaggle {

class HostTable {
public:
    HostTable(std::string plugin_id, const HostServices* services);
    HostTable(const HostTable&) = delete;
    HostTable& operator=(const HostTable&) = delete;

    const gaggle_host* table() const noexcept { return &table_; }
    const std::string& plugin_id() const noexcept { return plugin_id_; }
    const HostServices& services() const noexcept { return *services_; }

    // The HostTable behind a gaggle_host handed to a plugin.
    static const HostTable& of(const gaggle_host* host) noexcept;

private:
    std::string plugin_id_;
    const HostServices* services_;
    gaggle_host table_{};
};

} // namespace gaggle
