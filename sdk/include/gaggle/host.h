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
     * host-owned table valid as long as this gaggle_host, or NULL when the host lacks it. A table
     * may be larger than the plugin compiled it (a newer host), never smaller than the 1.0 layout
     * of its id; check struct_size before using a slot added after 1.0. */
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
    /* [thread-safe] Same for a secret (API keys). The host logs no secret value. This is the only
     * way a secret reaches a plugin (never inside request JSON, see sdk/README.md "Where secrets
     * arrive"). A name the host gives in a request (a chat request's connection.api_key_secret)
     * may denote a secret held for that one call: then it is answered only on the thread running
     * the call, until the call returns. */
    char* (GAGGLE_ABI *get_secret)(const gaggle_host* host, const char* key);
} gaggle_host_config_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.kv/1": a small durable key-value store, private to the calling plugin (keys are
 * namespaced by plugin id). Writes are durable when the call returns.
 *
 * Limits: a key is 1..GAGGLE_KV_MAX_KEY_BYTES bytes of NUL-terminated UTF-8; a value is any bytes
 * up to GAGGLE_KV_MAX_VALUE_BYTES. Beyond them put returns GAGGLE_ERR_INVALID_ARGUMENT. The store
 * is for state, not files (use the data folder of "gaggle.host.paths/1" for those).
 * Each call is atomic on its own, but there is no compare-and-set: a plugin whose handlers run
 * concurrently serialises its own read-modify-write sequences.
 */
#define GAGGLE_HOST_KV_V1 "gaggle.host.kv/1"
#define GAGGLE_KV_MAX_KEY_BYTES 1024
#define GAGGLE_KV_MAX_VALUE_BYTES (16u * 1024u * 1024u)
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

/* =============================================================================================
 * Services added in ABI 1.1. Ids are looked up at run time, so a plugin targeting 1.0 may use them
 * when present: a 1.0 host answers NULL.
 */

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.paths/1" [1.1]: where the plugin's own files are and where it may keep data.
 */
#define GAGGLE_HOST_PATHS_V1 "gaggle.host.paths/1"
typedef struct gaggle_host_paths_v1 {
    uint32_t struct_size;
    /* [thread-safe] The absolute folder the plugin's library was loaded from (model files and other
     * data shipped beside the .so). Host-owned, NUL-terminated, valid as long as the gaggle_host;
     * never NULL. */
    const char* (GAGGLE_ABI *plugin_dir)(const gaggle_host* host);
    /* [thread-safe] The plugin's private, writable data folder, <data dir>/plugins/<plugin id>,
     * created (mode 0700) on the first call. Host-owned, valid as long as the gaggle_host. NULL
     * when it cannot be created, with err filled (err may be NULL). */
    const char* (GAGGLE_ABI *data_dir)(const gaggle_host* host, gaggle_error* err);
} gaggle_host_paths_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.timer/1" [1.1]: a clock and timers, so periodic work needs no thread of its own.
 *
 * Callbacks run on the host's timer thread, one at a time for all plugins: keep them short (hand
 * long work to your own worker, or start an agent turn, which runs on its own thread). A timer
 * never fires before its time; it may fire late when the thread is busy. A repeating timer that
 * falls behind skips the missed occurrences instead of firing them in a burst. The host cancels a
 * plugin's remaining timers before its destroy() (after stop() for a feature).
 */
#define GAGGLE_HOST_TIMER_V1 "gaggle.host.timer/1"
typedef uint64_t gaggle_timer_id; /* 0 is never a valid id */

/* [timer-thread] ctx is the pointer given to schedule; id the timer firing. */
typedef void (GAGGLE_ABI *gaggle_timer_fn)(void* ctx, gaggle_timer_id id);

typedef struct gaggle_host_timer_v1 {
    uint32_t struct_size;
    /* [thread-safe] Wall-clock time, milliseconds since 1970-01-01 UTC (for schedules and logs). */
    int64_t (GAGGLE_ABI *now_ms)(const gaggle_host* host);
    /* [thread-safe] A monotonic clock in milliseconds from an arbitrary origin (for intervals). */
    int64_t (GAGGLE_ABI *monotonic_ms)(const gaggle_host* host);
    /* [thread-safe] Call fn(ctx, id) once after delay_ms, then, when interval_ms > 0, every
     * interval_ms until cancelled. ctx must stay valid until the timer is cancelled (or, for a
     * one-shot, until it has fired). On GAGGLE_OK *out_id holds the timer's id. */
    gaggle_status (GAGGLE_ABI *schedule)(const gaggle_host* host, uint64_t delay_ms, uint64_t interval_ms,
                                         gaggle_timer_fn fn, void* ctx, gaggle_timer_id* out_id,
                                         gaggle_error* err);
    /* [thread-safe] Stop a timer. When its callback is running on the timer thread, waits for it to
     * return (unless called from that very callback), so after cancel returns fn never runs again
     * and ctx may be freed. GAGGLE_ERR_NOT_FOUND for an unknown id or a one-shot that has fired. */
    gaggle_status (GAGGLE_ABI *cancel)(const gaggle_host* host, gaggle_timer_id id);
} gaggle_host_timer_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.agent/1" [1.1]: agent turns for features (a scheduler runs a recipe on a timer).
 *
 * A turn runs on a host thread exactly like one a client starts with POST /reply: the session's
 * provider, model, extensions and persistence; only approvals differ (see policy). The plugin
 * observes the turn's events (the goosed SSE events: {"type":"Message","message":{...}},
 * {"type":"Notification",...}, {"type":"Error","error"}, {"type":"Finish","reason"}) and awaits
 * its result.
 */
#define GAGGLE_HOST_AGENT_V1 "gaggle.host.agent/1"

/* Permission policies (int32_t). */
/* Tools that would need a person's approval (approve / smart_approve modes, "ask" rules) are
 * denied without asking, and the tool response in the session says why. Tools allowed without
 * asking still run. The only policy of 1.1: an unattended turn never waits for a click. */
#define GAGGLE_AGENT_POLICY_DENY_ON_APPROVAL 0

typedef struct gaggle_agent_session_options {
    uint32_t struct_size;
    const char* user_id;     /* the owner; NULL: the host's default user ("default") */
    const char* name;        /* NULL: "Scheduled run" */
    const char* working_dir; /* an existing folder; NULL: the host's current folder */
    const char* schedule_id; /* stamped on the session (schedule_id), may be NULL */
    gaggle_str recipe_json;  /* optional recipe object, kept on the session; empty when none */
} gaggle_agent_session_options;

/* Called for each event of a turn, in order, on one of the turn's host threads, one call at a time;
 * event_json is borrowed. Never called after await_result has reported the end or release has
 * returned. Keep it short: the turn waits for it. */
typedef void (GAGGLE_ABI *gaggle_agent_event_fn)(void* ctx, gaggle_str event_json);

typedef struct gaggle_agent_turn_options {
    uint32_t struct_size;
    /* The user message. When empty, recipe_json's "prompt" is used, else its "instructions".
     * With both a recipe and a prompt, the recipe's instructions precede the prompt in the one
     * message. At least one of them must give text. */
    gaggle_str prompt;
    gaggle_str recipe_json;           /* optional: a recipe object ({"instructions","prompt",...}) */
    int32_t policy;                   /* GAGGLE_AGENT_POLICY_* */
    gaggle_agent_event_fn on_event;   /* may be NULL */
    void* ctx;                        /* for on_event; valid until the turn has ended or release */
} gaggle_agent_turn_options;

/* A running or finished turn, owned by the plugin until release(). */
typedef struct gaggle_agent_turn gaggle_agent_turn;

typedef struct gaggle_host_agent_v1 {
    uint32_t struct_size;
    /* [thread-safe] Create a session of type "scheduled". On GAGGLE_OK *out_session_id is its id,
     * a NUL-terminated host->alloc string the caller frees with host->free.
     * GAGGLE_ERR_INVALID_ARGUMENT names a bad field (working_dir not a folder, recipe not JSON). */
    gaggle_status (GAGGLE_ABI *create_session)(const gaggle_host* host, const gaggle_agent_session_options* options,
                                               char** out_session_id, gaggle_error* err);
    /* [thread-safe] Start a turn in session_id (of user_id, NULL: the default user) and return at
     * once. On GAGGLE_OK *out_turn is the handle. GAGGLE_ERR_NOT_FOUND: no such session;
     * GAGGLE_ERR_UNAVAILABLE: the host is shutting down. */
    gaggle_status (GAGGLE_ABI *start_turn)(const gaggle_host* host, const char* user_id, const char* session_id,
                                           const gaggle_agent_turn_options* options, gaggle_agent_turn** out_turn,
                                           gaggle_error* err);
    /* [thread-safe] Ask the turn to stop; returns at once. Idempotent; harmless after the end. */
    void (GAGGLE_ABI *cancel)(gaggle_agent_turn* turn);
    /* [thread-safe, blocking] Wait up to timeout_ms (UINT32_MAX: no limit) for the turn to end.
     * GAGGLE_OK: ended, and *out_result is a host->alloc JSON object the caller frees:
     * {"status": "completed" | "failed" | "cancelled", "text": the last assistant message's text,
     *  "error": message or null, "session_id"}. GAGGLE_ERR_TIMEOUT: still running (out untouched). */
    gaggle_status (GAGGLE_ABI *await_result)(gaggle_agent_turn* turn, uint32_t timeout_ms, gaggle_buffer* out_result,
                                             gaggle_error* err);
    /* [thread-safe, blocking] Cancel the turn if it still runs, wait for its end, free the handle.
     * Call once per started turn, never from its on_event; a plugin releases every turn it
     * started before its destroy() returns. A cancelled turn ends within about a second (its
     * provider call and tools honour cancellation). */
    void (GAGGLE_ABI *release)(gaggle_agent_turn* turn);
} gaggle_host_agent_v1;

/* ---------------------------------------------------------------------------------------------
 * "gaggle.host.kv_claim/1" [1.1]: claims and listings over the plugin's own key-value store (the
 * keys and limits of "gaggle.host.kv/1"), for state that several host processes share through one
 * store: a scheduler claims each occurrence of a job so that exactly one process runs it. Looked up
 * at run time like every service: a host without it answers NULL.
 */
#define GAGGLE_HOST_KV_CLAIM_V1 "gaggle.host.kv_claim/1"
typedef struct gaggle_host_kv_claim_v1 {
    uint32_t struct_size;
    /* [thread-safe] Create `key` with `value` (borrowed) only when it does not exist yet, in one
     * transaction of the store: of any number of callers, in any processes sharing the store,
     * exactly one gets *out_claimed = 1; the others get 0 and the stored value is left as it was.
     * Durable when it returns, like put. err may be NULL. */
    gaggle_status (GAGGLE_ABI *claim)(const gaggle_host* host, const char* key, gaggle_str value,
                                      int32_t* out_claimed, gaggle_error* err);
    /* [thread-safe] The plugin's keys starting with `prefix` ("" for all), sorted bytewise, each
     * followed by one NUL byte, in *out (host->alloc; the caller frees out->data with host->free;
     * size 0 and data NULL when there are none). err may be NULL. */
    gaggle_status (GAGGLE_ABI *list_keys)(const gaggle_host* host, const char* prefix, gaggle_buffer* out,
                                          gaggle_error* err);
} gaggle_host_kv_claim_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_HOST_H */
