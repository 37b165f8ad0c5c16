/* Gaggle plugin ABI: "gaggle.transport/1", a way to reach an MCP server.
 *
 * A transport only moves JSON-RPC frames. The host owns request ids, the MCP lifecycle and
 * capability negotiation.
 *
 * A transport that cannot deliver a request answers it itself, with a JSON-RPC error frame for
 * that id (code -32000 and a message saying why), so the call ends at once. When it knows the
 * server refused the request unread (a Streamable HTTP server that forgot the session, HTTP 404),
 * that error carries "data": {"notDelivered": true} and the transport then ends the connection
 * (on_closed): a host of ABI 1.1 opens a new connection and sends the request once more. */
#ifndef GAGGLE_TRANSPORT_H
#define GAGGLE_TRANSPORT_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAGGLE_TRANSPORT_V1 "gaggle.transport/1"

typedef struct gaggle_transport_conn gaggle_transport_conn;

/* Inbound frames. Host-owned; valid until close() returns. Called from a plugin thread; calls for
 * one connection never overlap. frame_json is borrowed.
 *
 * Re-entrancy, both ways:
 * - Inside on_frame the host may call send() on the same connection (it answers a server's
 *   request, e.g. "ping" or "roots/list", at once). So the plugin never holds a lock across an
 *   on_frame call that its send() also takes.
 * - The host never calls close() from inside on_frame or on_closed (it records the end and closes
 *   later, from another thread). So close() may wait for, or join, the thread that delivers them. */
typedef struct gaggle_frame_sink {
    uint32_t struct_size;
    void* ctx;
    void (GAGGLE_ABI *on_frame)(void* ctx, gaggle_str frame_json);
    /* The connection ended by itself (process exited, stream closed). Called at most once, never
     * after close() has started. reason is borrowed and may be NULL. */
    void (GAGGLE_ABI *on_closed)(void* ctx, gaggle_status status, const char* reason);
} gaggle_frame_sink;

#if GAGGLE_TARGET_ABI_MINOR >= 1
/* One environment variable for the server (ABI 1.1). Borrowed views, valid for the open call. */
typedef struct gaggle_env_var {
    gaggle_str name;
    gaggle_str value;
} gaggle_env_var;

/* What the host resolved for one connection (ABI 1.1). Host-owned, borrowed for the open call.
 * Secrets named by the config's env_keys are resolved by the host and travel only in `env`, never
 * inside config_json, so a plugin that logs its config leaks nothing. */
typedef struct gaggle_transport_open_context {
    uint32_t struct_size;
    /* The session's working folder (absolute, NUL-terminated); a stdio server runs there. NULL
     * when the connection belongs to no session. */
    const char* working_dir;
    /* The variables to add to the server's environment (the config's `envs`, then `env_keys`
     * resolved from secrets), already checked by the host against dangerous names. May be NULL
     * when env_count is 0. */
    const gaggle_env_var* env;
    size_t env_count;
    /* The session id (NUL-terminated), for servers that want it (AGENT_SESSION_ID); may be NULL. */
    const char* session_id;
} gaggle_transport_open_context;
#endif

typedef struct gaggle_transport_v1 {
    uint32_t struct_size;
    /* NULL-terminated list of ExtensionConfig types served, e.g. {"stdio", NULL}. Static. */
    const char* const* types;

    /* [thread-safe] Open a connection described by config_json (an ExtensionConfig object,
     * borrowed). On GAGGLE_OK *out_conn is valid until close(). */
    gaggle_status (GAGGLE_ABI *open)(gaggle_plugin* plugin, gaggle_str config_json,
                                     const gaggle_frame_sink* inbound, gaggle_transport_conn** out_conn,
                                     gaggle_error* err);
    /* [thread-safe] Send one frame (borrowed). */
    gaggle_status (GAGGLE_ABI *send)(gaggle_transport_conn* conn, gaggle_str frame_json,
                                     gaggle_error* err);
    /* [thread-safe] Close and free the connection; no sink call happens after it returns. Never
     * called from inside this connection's on_frame/on_closed (see gaggle_frame_sink), and never
     * concurrently with send() on the same connection. Called exactly once per opened connection,
     * also after on_closed. */
    void (GAGGLE_ABI *close)(gaggle_transport_conn* conn);
#if GAGGLE_TARGET_ABI_MINOR >= 1
    /* [thread-safe] (ABI 1.1) open() with the host-resolved context (borrowed). A host of 1.1
     * calls this slot instead of open() when it lies inside struct_size and is non-NULL; NULL
     * means "use open()". */
    gaggle_status (GAGGLE_ABI *open_with_context)(gaggle_plugin* plugin, gaggle_str config_json,
                                                  const gaggle_transport_open_context* context,
                                                  const gaggle_frame_sink* inbound,
                                                  gaggle_transport_conn** out_conn, gaggle_error* err);
#endif
} gaggle_transport_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_TRANSPORT_H */
