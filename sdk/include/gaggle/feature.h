/* Gaggle plugin ABI: "gaggle.feature/1", a feature that runs beside the agent (a scheduler,
 * dictation, ...) and may serve HTTP routes. The host mounts the routes behind its own auth, CORS
 * and body limits; requests and responses cross as plain C views, never server objects. */
#ifndef GAGGLE_FEATURE_H
#define GAGGLE_FEATURE_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAGGLE_FEATURE_V1 "gaggle.feature/1"

/* One route. path is a template: literal segments and {name} segments, e.g. "/hello/{name}".
 * Frozen at ABI 1.0 (no struct_size, so it can never grow): 1.1 plugins serve gaggle_route2. */
typedef struct gaggle_route {
    const char* method; /* "GET", "POST", "PUT", "DELETE", "PATCH" */
    const char* path;
} gaggle_route;

/* [1.1] One route, growable: later minors append fields after path. */
typedef struct gaggle_route2 {
    uint32_t struct_size;
    const char* method; /* "GET", "POST", "PUT", "DELETE", "PATCH" */
    const char* path;   /* a template as for gaggle_route */
} gaggle_route2;

/* A request, borrowed for the duration of handle(). */
typedef struct gaggle_http_request_view {
    uint32_t struct_size;
    const char* method;
    const char* path;                        /* decoded path, without the query */
    const char* query;                       /* raw query string without '?'; "" when none */
    const gaggle_http_header* headers;
    size_t header_count;
    const gaggle_http_header* path_params;   /* {name} segments in route order, decoded */
    size_t path_param_count;
    gaggle_str body;                         /* the whole body, already size-checked by the host */
    const char* user_id;                     /* the authenticated user the request acts for */
#if GAGGLE_TARGET_ABI_MINOR >= 1
    /* [1.1] The size of one element of headers and path_params as the host built them: step by
     * this many bytes, so gaggle_http_header may grow in a later minor without breaking readers.
     * (A host gives a plugin only elements of the layout its target minor knows.) */
    uint32_t header_size;
#endif
} gaggle_http_request_view;

/* How a handler answers. Host-owned, valid until handle() returns; call on the request thread.
 * Call set_status and set_header before the first write; the host sends headers at the first
 * write (or at return). Default status 200, no body. Once headers are sent the response is
 * chunked and each write reaches the client before it returns, so a handler streams (SSE,
 * progress lines) simply by writing; a failed write means the client is gone: stop and return. */
typedef struct gaggle_http_responder {
    uint32_t struct_size;
    void* ctx;
    void (GAGGLE_ABI *set_status)(void* ctx, int32_t status);
    void (GAGGLE_ABI *set_header)(void* ctx, const char* name, const char* value);
    /* Append body bytes (borrowed). Returns GAGGLE_ERR_NETWORK when the client is gone. */
    gaggle_status (GAGGLE_ABI *write)(void* ctx, gaggle_str chunk);
#if GAGGLE_TARGET_ABI_MINOR >= 1
    /* [1.1] Send the status and headers now, before any body (an SSE client waits for them), and
     * push what was written. GAGGLE_ERR_NETWORK when the client is gone. */
    gaggle_status (GAGGLE_ABI *flush)(void* ctx);
    /* [1.1] Reports cancelled once a write has failed (the client has gone) or the server is
     * shutting down: a handler that streams for long polls it between writes, and sends a
     * heartbeat now and then to notice a silent client. Host-owned, valid until handle() returns. */
    const gaggle_cancel* cancel;
#endif
} gaggle_http_responder;

typedef struct gaggle_feature_v1 {
    uint32_t struct_size;
    /* [main-thread] Start background work. Called once after create, before any request. */
    gaggle_status (GAGGLE_ABI *start)(gaggle_plugin* plugin, gaggle_error* err);
    /* [main-thread] Stop background work; the host calls it before destroy, after the last
     * request has finished. Must not block for long. */
    void (GAGGLE_ABI *stop)(gaggle_plugin* plugin);
    /* [main-thread] The routes served: a plugin-owned array valid until destroy(), length in
     * *count. NULL with *count 0 when the feature serves none. A 1.1 plugin that fills routes2
     * may leave this slot NULL; the host then uses routes2 alone. */
    const gaggle_route* (GAGGLE_ABI *routes)(gaggle_plugin* plugin, size_t* count);
    /* [request-thread] Serve one request for route number route_index (of routes2 when set, else
     * of routes).
     *
     * Concurrency: handle MAY RUN CONCURRENTLY, for the same or different routes, on as many HTTP
     * worker threads as there are requests; the plugin guards its own shared state (a key-value
     * read-modify-write needs the plugin's own lock). start() has returned before the first call,
     * and stop() is called only after the last call has returned.
     *
     * Errors: returning a negative status before anything was written makes the host answer
     * {"message": err.message} with the status's HTTP class: INVALID_ARGUMENT 400,
     * NOT_FOUND 404, UNSUPPORTED 404 (the route has nothing for this request), RATE_LIMITED 429,
     * UNAVAILABLE 503, TIMEOUT 503, AUTHENTICATION/SERVER/NETWORK 502 (an upstream failed),
     * CANCELLED, INTERNAL and unknown codes 500. After the first write the status is already
     * sent: the host ends the body and logs the failure. */
    gaggle_status (GAGGLE_ABI *handle)(gaggle_plugin* plugin, size_t route_index,
                                       const gaggle_http_request_view* request,
                                       const gaggle_http_responder* response, gaggle_error* err);
#if GAGGLE_TARGET_ABI_MINOR >= 1
    /* [main-thread] [1.1] The routes served, growable: *count pointers to gaggle_route2 (each with
     * its own struct_size), plugin-owned, valid until destroy(). When this slot is set the host
     * uses it and ignores routes. */
    const gaggle_route2* const* (GAGGLE_ABI *routes2)(gaggle_plugin* plugin, size_t* count);
#endif
} gaggle_feature_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_FEATURE_H */
