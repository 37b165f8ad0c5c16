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

/* One route. path is a template: literal segments and {name} segments, e.g. "/hello/{name}". */
typedef struct gaggle_route {
    const char* method; /* "GET", "POST", "PUT", "DELETE", "PATCH" */
    const char* path;
} gaggle_route;

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
} gaggle_http_request_view;

/* How a handler answers. Host-owned, valid until handle() returns; call on the request thread.
 * Call set_status and set_header before the first write; the host sends headers at the first
 * write (or at return). Default status 200, no body. */
typedef struct gaggle_http_responder {
    uint32_t struct_size;
    void* ctx;
    void (GAGGLE_ABI *set_status)(void* ctx, int32_t status);
    void (GAGGLE_ABI *set_header)(void* ctx, const char* name, const char* value);
    /* Append body bytes (borrowed). Returns GAGGLE_ERR_NETWORK when the client is gone. */
    gaggle_status (GAGGLE_ABI *write)(void* ctx, gaggle_str chunk);
} gaggle_http_responder;

typedef struct gaggle_feature_v1 {
    uint32_t struct_size;
    /* [main-thread] Start background work. Called once after create, before any request. */
    gaggle_status (GAGGLE_ABI *start)(gaggle_plugin* plugin, gaggle_error* err);
    /* [main-thread] Stop background work; the host calls it before destroy, after the last
     * request has finished. Must not block for long. */
    void (GAGGLE_ABI *stop)(gaggle_plugin* plugin);
    /* [main-thread] The routes served: a plugin-owned array valid until destroy(), length in
     * *count. NULL with *count 0 when the feature serves none. */
    const gaggle_route* (GAGGLE_ABI *routes)(gaggle_plugin* plugin, size_t* count);
    /* [request-thread] Serve one request for routes()[route_index]. Returning a negative status
     * before anything was written makes the host answer 500 with err's message. */
    gaggle_status (GAGGLE_ABI *handle)(gaggle_plugin* plugin, size_t route_index,
                                       const gaggle_http_request_view* request,
                                       const gaggle_http_responder* response, gaggle_error* err);
} gaggle_feature_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_FEATURE_H */
