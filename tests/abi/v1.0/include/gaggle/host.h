/* Gaggle plugin ABI: what the host offers a plugin.
 *
 * Each plugin receives its own gaggle_host (so log lines and key-value data carry its id). The
 * table is host-owned and stays valid until the plugin's destroy() has returned. Services are
 * found by string id through get_service; a service a host does not offer is NULL, so a plugin
 * checks before use. Ids below are the ones ABI 1.0 offers. */
#ifndef GAGGLE_HOST_H
#define GAGGLE_HOST_H

#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gaggle_host gaggle_host;

struct gaggle_host {
    uint32_t struct_size;
    gaggle_version abi;       /* the host's ABI version */
    void* host_data;          /* reserved for the host; plugins never touch it */
    const char* host_name;    /* "gaggle"; static, NUL-terminated */
    const char* host_version; /* the host's release, e.g. "0.1.0"; static */

    /* [thread-safe] Write one log line at `level` (GAGGLE_LOG_*), tagged with the plugin id.
     * message is borrowed. Never fails, never blocks for long. */
    void (GAGGLE_ABI *log)(const gaggle_host* host, int32_t level, gaggle_str message);

    /* [thread-safe] Allocate `size` bytes on the host heap; NULL when out of memory. Use it for
     * every buffer whose ownership passes to the host (gaggle_buffer). */
    void* (GAGGLE_ABI *alloc)(const gaggle_host* host, size_t size);

    /* [thread-safe] Release memory obtained from alloc, or handed over by the host in a
     * gaggle_buffer or a returned char*. NULL is ignored. */
    void (GAGGLE_ABI *free)(const gaggle_host* host, void* ptr);

    /* [thread-safe] Look up a host service table by id ("gaggle.host.config/1", ...). Returns a
     * host-owned table valid as long as this gaggle_host, or NULL when the host lacks it. */
    const void* (GAGGLE_ABI *get_service)(const gaggle_host* host, const char* service_id);

    /* New slots are appended here in later minors; check struct_size before using them. */
};

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.config/1": read the deployment's configuration and secrets.
 * Precedence is the host's: environment > config.yaml (secrets.yaml for secrets) > defaults.
 */
#define GAGGLE_HOST_CONFIG_V1 "gaggle.host.config/1"
typedef struct gaggle_host_config_v1 {
    uint32_t struct_size;
    /* [thread-safe] The value of `key` as text (strings as they are, other values as JSON), in a
     * NUL-terminated string allocated with host->alloc that the caller frees with host->free.
     * NULL when the key is not set. */
    char* (GAGGLE_ABI *get)(const gaggle_host* host, const char* key);
    /* [thread-safe] Same for a secret (API keys). The host logs no secret value. */
    char* (GAGGLE_ABI *get_secret)(const gaggle_host* host, const char* key);
} gaggle_host_config_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.kv/1": a small durable key-value store, private to the calling plugin (keys are
 * namespaced by plugin id). Writes are durable when the call returns.
 */
#define GAGGLE_HOST_KV_V1 "gaggle.host.kv/1"
typedef struct gaggle_host_kv_v1 {
    uint32_t struct_size;
    /* [thread-safe] Read `key`. On GAGGLE_OK *out holds a host-allocated copy the caller frees
     * with host->free; GAGGLE_ERR_NOT_FOUND when absent (out untouched). err may be NULL. */
    gaggle_status (GAGGLE_ABI *get)(const gaggle_host* host, const char* key, gaggle_buffer* out,
                                    gaggle_error* err);
    /* [thread-safe] Create or replace `key` with `value` (borrowed). err may be NULL. */
    gaggle_status (GAGGLE_ABI *put)(const gaggle_host* host, const char* key, gaggle_str value,
                                    gaggle_error* err);
    /* [thread-safe] Delete `key`; GAGGLE_OK also when it was absent. err may be NULL. */
    gaggle_status (GAGGLE_ABI *remove)(const gaggle_host* host, const char* key, gaggle_error* err);
} gaggle_host_kv_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.http/1": outbound HTTP(S) through the host, which owns TLS (system CA
 * certificates), proxies and cancellation. The response is streamed to a sink, so providers can
 * read server-sent events and NDJSON as they arrive.
 */
#define GAGGLE_HOST_HTTP_V1 "gaggle.host.http/1"

typedef struct gaggle_http_request {
    uint32_t struct_size;
    const char* method;                /* "GET", "POST", ...; NUL-terminated */
    const char* url;                   /* absolute http:// or https:// URL */
    const gaggle_http_header* headers; /* may be NULL when header_count is 0 */
    size_t header_count;
    gaggle_str body;                   /* may be empty */
    uint32_t connect_timeout_ms;       /* 0: host default (30 s) */
    uint32_t idle_timeout_ms;          /* fail when no byte arrives for this long; 0: 300 s */
} gaggle_http_request;

/* Callbacks for one response, all invoked on the thread that called perform(), in order:
 * on_response once, on_data zero or more times. Returning non-zero from either stops the
 * transfer (perform then returns GAGGLE_ERR_CANCELLED). */
typedef struct gaggle_http_sink {
    uint32_t struct_size;
    void* ctx;
    int32_t (GAGGLE_ABI *on_response)(void* ctx, int32_t status, const gaggle_http_header* headers,
                                      size_t header_count);
    int32_t (GAGGLE_ABI *on_data)(void* ctx, gaggle_str chunk);
} gaggle_http_sink;

typedef struct gaggle_host_http_v1 {
    uint32_t struct_size;
    /* [thread-safe, blocking] Send `request` and stream the response into `sink` until the body
     * ends. `cancel` may be NULL; when it reports cancelled the host closes the connection within
     * about 100 ms and returns GAGGLE_ERR_CANCELLED. Returns GAGGLE_OK when a response was read to
     * its end, whatever its HTTP status; GAGGLE_ERR_NETWORK / GAGGLE_ERR_TIMEOUT otherwise, with
     * err filled (err may be NULL). */
    gaggle_status (GAGGLE_ABI *perform)(const gaggle_host* host, const gaggle_http_request* request,
                                        const gaggle_http_sink* sink, const gaggle_cancel* cancel,
                                        gaggle_error* err);
} gaggle_host_http_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_HOST_H */
