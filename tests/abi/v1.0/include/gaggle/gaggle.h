/* Gaggle plugin SDK, ABI 1: the umbrella header. C99; also valid C++. */
#ifndef GAGGLE_GAGGLE_H
#define GAGGLE_GAGGLE_H

#include "version.h"
#include "types.h"
#include "host.h"
#include "plugin.h"
#include "provider.h"
#include "transport.h"
#include "feature.h"

/* Define the exported entry point in exactly one source file of the plugin:
 *   GAGGLE_EXPORT_ENTRY(my_entry)   where my_entry is a static const gaggle_plugin_entry. */
#ifdef __cplusplus
#define GAGGLE_EXTERN_C extern "C"
#else
#define GAGGLE_EXTERN_C
#endif
#define GAGGLE_EXPORT_ENTRY(entry_variable)                                                         \
    GAGGLE_EXTERN_C GAGGLE_EXPORT const gaggle_plugin_entry* GAGGLE_ABI gaggle_plugin_entry_v1(void); \
    GAGGLE_EXTERN_C GAGGLE_EXPORT const gaggle_plugin_entry* GAGGLE_ABI gaggle_plugin_entry_v1(void) \
    {                                                                                               \
        return &(entry_variable);                                                                   \
    }

#endif /* GAGGLE_GAGGLE_H */
