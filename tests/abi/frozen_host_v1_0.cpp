// See frozen_host_v1_0.hpp. Only the frozen 1.0 headers are visible here: the version this "host"
// claims, its entry layout and its compatibility rule are exactly those ABI 1.0 shipped with.
#include "frozen_host_v1_0.hpp"

#include <gaggle/gaggle.h>

#include <dlfcn.h>

#include <cstddef>

std::string frozen_v1_0_host_refusal(const std::string& path)
{
    void* lib = dlopen(path.c_str(), RTLD_LOCAL | RTLD_NOW);
    if (!lib) return std::string("cannot load library: ") + dlerror();
    void* symbol = dlsym(lib, GAGGLE_PLUGIN_ENTRY_SYMBOL);
    if (!symbol) return "no " GAGGLE_PLUGIN_ENTRY_SYMBOL " symbol";
    gaggle_plugin_entry_fn entry_fn = nullptr;
    static_assert(sizeof entry_fn == sizeof symbol, "function and data pointers differ in size");
    __builtin_memcpy(&entry_fn, &symbol, sizeof symbol); // dlsym's void* to a function pointer
    const gaggle_plugin_entry* e = entry_fn();
    if (!e) return "entry returned NULL";
    if (e->struct_size < offsetof(gaggle_plugin_entry, get_interface) + sizeof(void*)) return "entry too small";
    const gaggle_version host = GAGGLE_ABI_VERSION_INIT;
    if (!gaggle_version_compatible(host, e->sdk_abi))
        return "built for ABI " + std::to_string(e->sdk_abi.major) + "." + std::to_string(e->sdk_abi.minor) +
               ", newer than this host's 1.0";
    return {};
}
