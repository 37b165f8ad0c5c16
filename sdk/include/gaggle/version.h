/* Gaggle plugin ABI: version numbers, the target minor, and the compatibility rule.
 *
 * A plugin states the oldest ABI minor it needs by defining GAGGLE_TARGET_ABI_MINOR before it
 * includes any gaggle header (default 0). Fields and slots added in minor N are declared only when
 * GAGGLE_TARGET_ABI_MINOR >= N, so a plugin cannot touch what its target lacks, and its entry
 * carries {major, target minor, 0} (GAGGLE_TARGET_ABI_VERSION_INIT), not the SDK's own version.
 * A host of ABI H loads a plugin whose entry says P when P.major == H.major and P.minor <= H.minor.
 * The host itself compiles with the newest minor (GAGGLE_TARGET_ABI_MINOR=GAGGLE_ABI_VERSION_MINOR).
 * Minor releases only append (struct fields at the end, function-table slots, interface ids);
 * patch releases change no layout; a new major renames the entry symbol (gaggle_plugin_entry_v2).
 * sdk/VERSIONING.md has the whole rule. */
#ifndef GAGGLE_VERSION_H
#define GAGGLE_VERSION_H

#include <stdint.h>

#define GAGGLE_ABI_VERSION_MAJOR 1
#define GAGGLE_ABI_VERSION_MINOR 1
#define GAGGLE_ABI_VERSION_PATCH 0

#ifndef GAGGLE_TARGET_ABI_MINOR
#define GAGGLE_TARGET_ABI_MINOR 0
#endif
#if GAGGLE_TARGET_ABI_MINOR > GAGGLE_ABI_VERSION_MINOR
#error "GAGGLE_TARGET_ABI_MINOR is newer than these SDK headers"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gaggle_version {
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
} gaggle_version;

#define GAGGLE_ABI_VERSION_INIT { GAGGLE_ABI_VERSION_MAJOR, GAGGLE_ABI_VERSION_MINOR, GAGGLE_ABI_VERSION_PATCH }
/* What a plugin's entry declares (gaggle_plugin_entry.sdk_abi): the ABI it needs at least. */
#define GAGGLE_TARGET_ABI_VERSION_INIT { GAGGLE_ABI_VERSION_MAJOR, GAGGLE_TARGET_ABI_MINOR, 0 }

/* Non-zero when a host of ABI `host` may load a plugin built against `plugin`. Pure; any thread. */
static inline int gaggle_version_compatible(gaggle_version host, gaggle_version plugin)
{
    return plugin.major == host.major && plugin.minor <= host.minor;
}

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_VERSION_H */
