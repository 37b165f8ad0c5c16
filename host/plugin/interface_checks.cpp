#include "plugin/interface_checks.hpp"

#include "plugin/gaggle_abi.hpp"

#include <cstddef>
#include <cstring>

namespace gaggle {
namespace {

template <class Table>
std::string check_size(const std::string& id, const Table* t, size_t min_size)
{
    if (t->struct_size < min_size)
        return "interface " + id + " struct_size " + std::to_string(t->struct_size) +
               " is smaller than its 1.0 layout (" + std::to_string(min_size) + ")";
    return {};
}

std::string missing(const std::string& id, const char* slot)
{
    return "interface " + id + " is missing required slot: " + slot;
}

} // namespace

std::string check_interface(const std::string& id, const void* table)
{
    if (!table) return "declares interface " + id + " but get_interface returned NULL for it";
    if (id == GAGGLE_PROVIDER_V1) {
        auto* t = static_cast<const gaggle_provider_v1*>(table);
        if (auto p = check_size(id, t, offsetof(gaggle_provider_v1, list_models) + sizeof(void*)); !p.empty()) return p;
        if (!t->describe) return missing(id, "describe");
        if (!t->stream) return missing(id, "stream");
        if (!t->list_models) return missing(id, "list_models");
    } else if (id == GAGGLE_TRANSPORT_V1) {
        auto* t = static_cast<const gaggle_transport_v1*>(table);
        if (auto p = check_size(id, t, offsetof(gaggle_transport_v1, close) + sizeof(void*)); !p.empty()) return p;
        if (!t->types || !t->types[0]) return missing(id, "types");
        if (!t->open) return missing(id, "open");
        if (!t->send) return missing(id, "send");
        if (!t->close) return missing(id, "close");
    } else if (id == GAGGLE_FEATURE_V1) {
        auto* t = static_cast<const gaggle_feature_v1*>(table);
        if (auto p = check_size(id, t, offsetof(gaggle_feature_v1, handle) + sizeof(void*)); !p.empty()) return p;
        if (!t->start) return missing(id, "start");
        if (!t->stop) return missing(id, "stop");
        // 1.1 plugins may serve routes2 (growable) instead of the 1.0 routes array.
        if (!t->routes && !GAGGLE_HAS_SLOT(t, gaggle_feature_v1, routes2)) return missing(id, "routes");
        if (!t->handle) return missing(id, "handle");
    }
    // Interface ids this host does not know are the plugin's business; it just won't be asked.
    return {};
}

} // namespace gaggle
