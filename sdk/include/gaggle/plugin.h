/* Gaggle plugin ABI: the one symbol a plugin exports, and what it returns.
 *
 * A plugin library exports exactly one symbol per ABI major: gaggle_plugin_entry_v1. It returns a
 * static entry describing the plugin; the host checks it (struct sizes, ABI version, required
 * slots, unique id) before calling anything else, and refuses the library with one log line if a
 * check fails. Libraries are never unloaded while the process lives.
 *
 * Order of calls, on one host:
 *   1. dlopen (static constructors run: keep them trivial; `gaggle plugins inspect` stops after 2),
 *   2. gaggle_plugin_entry_v1() and the entry checks,
 *   3. create() [main-thread],
 *   4. get_interface() for each id the descriptor declares, and the slot checks (a failure here
 *      destroys the plugin at once),
 *   5. for a feature: start() [main-thread], then handle() calls; for a provider or transport:
 *      its calls may arrive from any thread as soon as step 4 has passed (there is no start),
 *   6. at shutdown: stop() for a feature once its last handle() has returned; the host cancels
 *      the plugin's timers; destroy() once no call is in flight. */
#ifndef GAGGLE_PLUGIN_H
#define GAGGLE_PLUGIN_H

#include "host.h"
#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The plugin's own object, opaque to the host. */
typedef struct gaggle_plugin gaggle_plugin;

/* Plugin kinds listed in a descriptor. */
#define GAGGLE_KIND_PROVIDER "provider"
#define GAGGLE_KIND_TRANSPORT "transport"
#define GAGGLE_KIND_FEATURE "feature"

typedef struct gaggle_plugin_descriptor {
    uint32_t struct_size;
    const char* id;          /* unique, stable, [a-z0-9._-]+ e.g. "openai" or "com.acme.search" */
    const char* name;        /* human name */
    const char* vendor;      /* may be NULL */
    const char* version;     /* the plugin's own semver; for display, never for ABI decisions */
    const char* description; /* may be NULL */
    const char* const* kinds;      /* NULL-terminated list of GAGGLE_KIND_* */
    const char* const* interfaces; /* NULL-terminated list of interface ids get_interface serves */
} gaggle_plugin_descriptor;

typedef struct gaggle_plugin_entry {
    uint32_t struct_size;                     /* sizeof(gaggle_plugin_entry) as the plugin compiled it */
    gaggle_version sdk_abi;                   /* GAGGLE_ABI_VERSION the plugin was built against */
    const gaggle_plugin_descriptor* descriptor; /* static; valid while the library is loaded */

    /* [main-thread] Create the plugin's object. `host` is this plugin's host table and outlives
     * the object. `config_json` (borrowed) is the plugin's section of the host configuration as
     * a JSON object ("{}" when none). On success set *out_plugin (non-NULL) and return GAGGLE_OK;
     * on failure fill *err and return a negative status: the host then refuses the plugin. */
    gaggle_status (GAGGLE_ABI *create)(const gaggle_host* host, gaggle_str config_json,
                                       gaggle_plugin** out_plugin, gaggle_error* err);

    /* [main-thread] Destroy the object. The host guarantees no other call on it is in flight and
     * none will follow. */
    void (GAGGLE_ABI *destroy)(gaggle_plugin* plugin);

    /* [thread-safe] Return the function table for `interface_id` ("gaggle.provider/1", ...) or
     * NULL when not served. The table is plugin-owned and valid until destroy(). */
    const void* (GAGGLE_ABI *get_interface)(gaggle_plugin* plugin, const char* interface_id);
} gaggle_plugin_entry;

#define GAGGLE_PLUGIN_ENTRY_SYMBOL "gaggle_plugin_entry_v1"

/* [thread-safe] The exported entry point: cheap, side-effect free, callable before create (the
 * host calls it to list and inspect plugins). Returns a pointer to static data. */
typedef const gaggle_plugin_entry* (GAGGLE_ABI *gaggle_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_PLUGIN_H */
