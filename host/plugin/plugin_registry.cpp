#include "plugin/plugin_registry.hpp"

#include "plugin/interface_checks.hpp"

#include "plugin/gaggle_abi.hpp"

#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <mutex>

namespace gaggle {
namespace {

// The smallest entry and descriptor this host accepts: the ABI 1.0 layouts. A plugin built against
// a later 1.x may send larger structs; one that sends smaller ones was built wrong.
constexpr size_t min_entry_size = offsetof(gaggle_plugin_entry, get_interface) + sizeof(void*);
constexpr size_t min_descriptor_size = offsetof(gaggle_plugin_descriptor, interfaces) + sizeof(void*);

// Libraries stay mapped until the process exits, on purpose: never dlclose code a thread, an atexit
// handler or a static destructor may still reach. Leaked so no destructor runs at exit either.
std::vector<boost::dll::shared_library>& keep_alive()
{
    static auto* libs = new std::vector<boost::dll::shared_library>();
    return *libs;
}
std::mutex& dl_mutex()
{
    static std::mutex m; // dlopen is serialised (Boost.DLL's advice for portability)
    return m;
}

std::vector<std::string> string_list(const char* const* list)
{
    std::vector<std::string> out;
    for (size_t i = 0; list && list[i] && i < 64; ++i) out.emplace_back(list[i]);
    return out;
}

bool valid_id(const char* id)
{
    if (!id || !*id) return false;
    for (const char* p = id; *p; ++p) {
        const char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
    }
    return std::char_traits<char>::length(id) <= 128;
}

std::string version_text(gaggle_version v)
{
    return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

// Every check that needs only the entry, in the order a plugin author would want them reported.
// `host` is the ABI this host claims: its own, or an older one when a test plays an older host.
std::string check_entry(const gaggle_plugin_entry* e, gaggle_version host)
{
    if (!e) return "gaggle_plugin_entry_v1() returned NULL";
    if (e->struct_size < min_entry_size)
        return "entry struct_size " + std::to_string(e->struct_size) + " is smaller than the ABI 1.0 entry (" +
               std::to_string(min_entry_size) + ")";
    if (e->sdk_abi.major != host.major)
        return "built for ABI major " + std::to_string(e->sdk_abi.major) + ", this host speaks ABI " + version_text(host);
    if (!gaggle_version_compatible(host, e->sdk_abi))
        return "targets ABI " + version_text(e->sdk_abi) + ", newer than this host's " + version_text(host) +
               " (rebuild it with a lower GAGGLE_TARGET_ABI_MINOR if it uses nothing newer)";
    if (!e->create) return "missing required slot: create";
    if (!e->destroy) return "missing required slot: destroy";
    if (!e->get_interface) return "missing required slot: get_interface";
    const gaggle_plugin_descriptor* d = e->descriptor;
    if (!d) return "missing descriptor";
    if (d->struct_size < min_descriptor_size)
        return "descriptor struct_size " + std::to_string(d->struct_size) + " is smaller than the ABI 1.0 descriptor (" +
               std::to_string(min_descriptor_size) + ")";
    if (!valid_id(d->id)) return "descriptor id must be 1..128 characters of [a-z0-9._-]";
    if (!d->version || !*d->version) return "descriptor has no version";
    if (!d->kinds || !d->kinds[0]) return "descriptor lists no kinds";
    return {};
}

} // namespace

LoadedPlugin::LoadedPlugin(const gaggle_plugin_entry* entry, std::unique_ptr<HostTable> host, gaggle_plugin* handle,
                           std::string id, std::vector<std::string> interfaces, gaggle_version target)
    : entry_(entry), host_(std::move(host)), handle_(handle), id_(std::move(id)), interfaces_(std::move(interfaces)),
      target_(target)
{
}

LoadedPlugin::~LoadedPlugin()
{
    host_->cancel_timers(); // no timer may fire into the object destroy() frees
    entry_->destroy(handle_);
}

const void* LoadedPlugin::interface(const char* interface_id) const noexcept
{
    // Only what the descriptor declared was checked at load; anything else is not this plugin's.
    return declares(interface_id) ? entry_->get_interface(handle_, interface_id) : nullptr;
}

bool LoadedPlugin::declares(const char* interface_id) const noexcept
{
    if (!interface_id) return false;
    for (const auto& i : interfaces_)
        if (i == interface_id) return true;
    return false;
}

Inspection inspect_plugin_file(const std::string& path, gaggle_version host_abi)
{
    Inspection out;
    out.record.path = path;
    std::lock_guard lock(dl_mutex());
    boost::dll::shared_library lib;
    try {
        lib.load(path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
    } catch (const std::exception& e) {
        out.record.refusal = std::string("cannot load library: ") + e.what();
        return out;
    }
    if (!lib.has(GAGGLE_PLUGIN_ENTRY_SYMBOL)) {
        out.record.refusal = "no " GAGGLE_PLUGIN_ENTRY_SYMBOL " symbol (not a Gaggle ABI 1 plugin)";
        keep_alive().push_back(std::move(lib));
        return out;
    }
    const auto entry_fn = lib.get<const gaggle_plugin_entry*()>(GAGGLE_PLUGIN_ENTRY_SYMBOL);
    keep_alive().push_back(std::move(lib));
    const gaggle_plugin_entry* e = entry_fn();
    out.record.refusal = check_entry(e, host_abi);
    if (e && e->struct_size >= min_entry_size) out.record.sdk_abi = e->sdk_abi;
    if (e && e->struct_size >= min_entry_size && e->descriptor && e->descriptor->struct_size >= min_descriptor_size) {
        const gaggle_plugin_descriptor* d = e->descriptor;
        out.record.id = d->id ? d->id : "";
        out.record.name = d->name ? d->name : out.record.id;
        out.record.version = d->version ? d->version : "";
        out.record.description = d->description ? d->description : "";
        out.record.kinds = string_list(d->kinds);
        out.record.interfaces = string_list(d->interfaces);
    }
    if (out.record.refusal.empty()) out.entry = e;
    return out;
}

PluginRegistry::PluginRegistry(HostServices services, gaggle_version abi) : services_(std::move(services)), abi_(abi) {}

PluginRegistry::~PluginRegistry()
{
    // Destroy in reverse creation order; the libraries themselves stay mapped (see keep_alive).
    while (!loaded_.empty()) loaded_.pop_back();
}

void PluginRegistry::scan(const std::vector<std::string>& directories, const std::set<std::string>& disabled,
                          std::function<std::string(const std::string&)> plugin_config)
{
    for (const auto& dir : directories) {
        std::error_code ec;
        if (dir.empty() || !std::filesystem::is_directory(dir, ec)) continue;
        std::vector<std::string> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
            if (entry.path().extension() == ".so" && entry.is_regular_file(ec)) files.push_back(entry.path().string());
        std::sort(files.begin(), files.end()); // a stable order makes "duplicate id" deterministic
        for (const auto& file : files) load_one(file, disabled, plugin_config);
    }
}

void PluginRegistry::load_one(const std::string& path, const std::set<std::string>& disabled,
                              const std::function<std::string(const std::string&)>& plugin_config)
{
    Inspection found = inspect_plugin_file(path, abi_);
    PluginRecord& record = records_.emplace_back(std::move(found.record));
    auto refuse = [&](std::string reason) {
        record.refusal = std::move(reason);
        spdlog::warn("plugin {} refused: {}", path, record.refusal);
    };
    if (!found.entry) return refuse(record.refusal);
    if (disabled.count(record.id)) {
        record.refusal = "disabled by configuration";
        spdlog::info("plugin {} ({}) disabled by configuration", record.id, path);
        return;
    }
    if (find(record.id)) return refuse("duplicate id '" + record.id + "' (already loaded from another file)");

    const std::string config = plugin_config ? plugin_config(record.id) : std::string("{}");
    auto host = std::make_unique<HostTable>(
        record.id, &services_, std::filesystem::absolute(path).parent_path().lexically_normal().string(), &timers_);
    gaggle_error err{};
    err.struct_size = sizeof(err);
    gaggle_plugin* handle = nullptr;
    const gaggle_status st = found.entry->create(host->table(), gaggle_str{config.data(), config.size()}, &handle, &err);
    if (st != GAGGLE_OK || !handle) {
        const std::string msg = err.message[0] ? err.message : "no message (the plugin did not fill its error)";
        return refuse("create failed (status " + std::to_string(st) + "): " + msg);
    }
    auto plugin = std::make_unique<LoadedPlugin>(found.entry, std::move(host), handle, record.id, record.interfaces,
                                                 record.sdk_abi);
    // Each interface the descriptor promises must be served with its required slots.
    for (const auto& iface : record.interfaces) {
        std::string problem = check_interface(iface, plugin->interface(iface.c_str()));
        if (!problem.empty()) return refuse(problem); // plugin's destructor calls destroy()
    }
    record.loaded = true;
    spdlog::debug("plugin {} {} loaded from {}", record.id, record.version, path);
    loaded_.push_back(std::move(plugin));
}

const LoadedPlugin* PluginRegistry::find(const std::string& id) const noexcept
{
    for (auto& p : loaded_)
        if (p->id() == id) return p.get();
    return nullptr;
}

std::vector<const LoadedPlugin*> PluginRegistry::with_interface(const char* interface_id) const
{
    std::vector<const LoadedPlugin*> out;
    for (auto& p : loaded_)
        if (p->declares(interface_id) && p->interface(interface_id)) out.push_back(p.get());
    return out;
}

} // namespace gaggle
