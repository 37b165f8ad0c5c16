/* A feature plugin in plain C99, built from the frozen ABI 1.0 headers. By default it is sound and
 * serves GET /c-hello; built with one of the BROKEN_* macros it is wrong in exactly one way, so the
 * ABI tests can check that the host refuses it with the right reason. */
#include <gaggle/gaggle.h>

#include <stdlib.h>
#include <string.h>

#ifndef PLUGIN_ID
#define PLUGIN_ID "c-feature"
#endif

struct gaggle_plugin {
    const gaggle_host* host;
    int started;
};

static const gaggle_route routes[] = {{"GET", "/c-hello"}};

static gaggle_status GAGGLE_ABI feature_start(gaggle_plugin* p, gaggle_error* err)
{
    (void)err;
    p->started = 1;
    return GAGGLE_OK;
}

static void GAGGLE_ABI feature_stop(gaggle_plugin* p) { p->started = 0; }

static const gaggle_route* GAGGLE_ABI feature_routes(gaggle_plugin* p, size_t* count)
{
    (void)p;
    *count = sizeof routes / sizeof routes[0];
    return routes;
}

static gaggle_status GAGGLE_ABI feature_handle(gaggle_plugin* p, size_t index, const gaggle_http_request_view* req,
                                               const gaggle_http_responder* res, gaggle_error* err)
{
    static const char body[] = "{\"from\":\"c\",\"user\":\"";
    gaggle_str chunk;
    (void)index;
    (void)err;
    p->host->log(p->host, GAGGLE_LOG_DEBUG, (gaggle_str){"c-hello served", 14});
    res->set_status(res->ctx, p->started ? 200 : 503);
    res->set_header(res->ctx, "Content-Type", "application/json");
    chunk.data = body;
    chunk.size = sizeof body - 1;
    res->write(res->ctx, chunk);
    chunk.data = req->user_id;
    chunk.size = strlen(req->user_id);
    res->write(res->ctx, chunk);
    chunk.data = "\"}";
    chunk.size = 2;
    return res->write(res->ctx, chunk);
}

#ifdef BROKEN_INTERFACE
static const gaggle_feature_v1 feature = {sizeof(gaggle_feature_v1), feature_start, feature_stop, feature_routes, NULL};
#else
static const gaggle_feature_v1 feature = {sizeof(gaggle_feature_v1), feature_start, feature_stop, feature_routes,
                                          feature_handle};
#endif

static gaggle_status GAGGLE_ABI plugin_create(const gaggle_host* host, gaggle_str config, gaggle_plugin** out,
                                              gaggle_error* err)
{
    (void)config;
#ifdef BROKEN_FAILING_CREATE
    (void)host;
    (void)out;
    strcpy(err->message, "cannot reach the licence server");
    err->code = GAGGLE_ERR_UNAVAILABLE;
    return GAGGLE_ERR_UNAVAILABLE;
#else
    (void)err;
    *out = (gaggle_plugin*)calloc(1, sizeof(gaggle_plugin));
    if (!*out) return GAGGLE_ERR_INTERNAL;
    (*out)->host = host;
    return GAGGLE_OK;
#endif
}

static void GAGGLE_ABI plugin_destroy(gaggle_plugin* p) { free(p); }

static const void* GAGGLE_ABI plugin_get_interface(gaggle_plugin* p, const char* id)
{
    (void)p;
#ifdef ANSWERS_ANY_INTERFACE
    /* Sloppy but legal: a table for every id asked, though the descriptor declares only the
     * feature. The host must never take it for a provider or a transport. */
    (void)id;
    return &feature;
#else
    return strcmp(id, GAGGLE_FEATURE_V1) == 0 ? &feature : NULL;
#endif
}

static const char* const kinds[] = {GAGGLE_KIND_FEATURE, NULL};
static const char* const interfaces[] = {GAGGLE_FEATURE_V1, NULL};
static const gaggle_plugin_descriptor descriptor = {sizeof(gaggle_plugin_descriptor), PLUGIN_ID, "C feature", "tests",
                                                    "1.0.0", "a plain C plugin", kinds, interfaces};

#if defined(BROKEN_OTHER_MAJOR)
#define SDK_ABI {2, 0, 0}
#elif defined(BROKEN_NEWER_MINOR)
#define SDK_ABI {1, 99, 0}
#else
#define SDK_ABI GAGGLE_ABI_VERSION_INIT
#endif

#if defined(BROKEN_SMALL_STRUCT)
#define ENTRY_SIZE 8
#else
#define ENTRY_SIZE sizeof(gaggle_plugin_entry)
#endif

#if defined(BROKEN_MISSING_SLOT)
#define DESTROY_SLOT NULL
#else
#define DESTROY_SLOT plugin_destroy
#endif

static const gaggle_plugin_entry entry = {ENTRY_SIZE, SDK_ABI, &descriptor, plugin_create, DESTROY_SLOT,
                                          plugin_get_interface};

#ifdef BROKEN_NO_ENTRY
/* Exports something, but not the entry point: a stray library in the plugin folder. */
GAGGLE_EXPORT const gaggle_plugin_entry* GAGGLE_ABI some_other_symbol(void) { return &entry; }
#else
GAGGLE_EXPORT_ENTRY(entry)
#endif
