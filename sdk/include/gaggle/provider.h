/* Gaggle plugin ABI: "gaggle.provider/1", a language-model back end.
 *
 * Narrow ABI, wide JSON: the chat request and every stream event are JSON text whose shape is
 * versioned inside it ("schema": "gaggle.chat/1"). See sdk/README.md for the JSON shapes. */
#ifndef GAGGLE_PROVIDER_H
#define GAGGLE_PROVIDER_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GAGGLE_PROVIDER_V1 "gaggle.provider/1"

/* Receives stream events from a provider. Host-owned; valid until stream() returns.
 * on_event is called on the thread that called stream(). event_json is borrowed. */
typedef struct gaggle_provider_sink {
    uint32_t struct_size;
    void* ctx;
    void (GAGGLE_ABI *on_event)(void* ctx, gaggle_str event_json);
} gaggle_provider_sink;

typedef struct gaggle_provider_v1 {
    uint32_t struct_size;

    /* [thread-safe] A JSON array describing the providers this plugin offers: each
     * {name, display_name, description, default_model, known_models:[{name, context_limit}],
     *  model_doc_link, config_keys:[{name, required, secret, default?}]}.
     * Plugin-owned, valid until destroy(). */
    gaggle_str (GAGGLE_ABI *describe)(gaggle_plugin* plugin);

    /* [thread-safe, blocking] Run one completion and stream its events into `sink` until the model
     * stops. request_json (borrowed) is a "gaggle.chat/1" request naming the provider and model.
     * Events: {"type":"text","text"}, {"type":"thinking","thinking","signature"?},
     * {"type":"redacted_thinking","data"}, {"type":"tool_call","id","name","arguments"},
     * {"type":"usage","input_tokens","output_tokens"}, {"type":"stop","reason"}.
     * `cancel` may be NULL. Cancellation: while waiting (network reads, retries, backoff) poll it at
     * least every 100 ms, or hand it to "gaggle.host.http/1" which does; after it reports cancelled
     * emit nothing more and return GAGGLE_ERR_CANCELLED within about a second. A turn's Stop
     * button waits for that return.
     * Calls may run concurrently, for the same or different providers of the plugin.
     * Returns GAGGLE_OK after a complete response; otherwise a negative
     * status whose class (authentication, context length, rate limit, server, network, cancelled)
     * is the code, with the provider's own message in *err. */
    gaggle_status (GAGGLE_ABI *stream)(gaggle_plugin* plugin, gaggle_str request_json,
                                       const gaggle_provider_sink* sink, const gaggle_cancel* cancel,
                                       gaggle_error* err);

    /* [thread-safe, blocking] List the models a provider offers right now. request_json names the
     * provider: {"provider": name}. On GAGGLE_OK *out is a host-allocated JSON array of model
     * names the caller frees with host->free. */
    gaggle_status (GAGGLE_ABI *list_models)(gaggle_plugin* plugin, gaggle_str request_json,
                                            gaggle_buffer* out, gaggle_error* err);
} gaggle_provider_v1;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_PROVIDER_H */
