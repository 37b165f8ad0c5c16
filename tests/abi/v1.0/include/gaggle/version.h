/* Gaggle plugin ABI: version numbers and the compatibility rule.
 *
 * A host of ABI H loads a plugin built against P when P.major == H.major and P.minor <= H.minor.
 * Minor releases only append (struct fields at the end, function-table slots, interface ids);
 * patch releases change no layout; a new major renames the entry symbol (gaggle_plugin_entry_v2). */
#ifndef GAGGLE_VERSION_H
#define GAGGLE_VERSION_H

#include <stdint.h>

#define GAGGLE_ABI_VERSION_MAJOR 1
#define GAGGLE_ABI_VERSION_MINOR 0
#define GAGGLE_ABI_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gaggle_version {
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
} gaggle_version;

#define GAGGLE_ABI_VERSION_INIT { GAGGLE_ABI_VERSION_MAJOR, GAGGLE_ABI_VERSION_MINOR, GAGGLE_ABI_VERSION_PATCH }

/* Non-zero when a host of ABI `host` may load a plugin built against `plugin`. Pure; any thread. */
static inline int gaggle_version_compatible(gaggle_version host, gaggle_version plugin)
{
    return plugin.major == host.major && plugin.minor <= host.minor;
}

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_VERSION_H */
