/* Gaggle plugin ABI: the basic types every other header uses.
 *
 * Rules that hold across the whole ABI (read once, they are not repeated on every function):
 * - Strings are UTF-8. gaggle_str is {data, size} and is NOT necessarily NUL-terminated;
 *   a `const char*` parameter IS NUL-terminated. JSON always travels as gaggle_str.
 * - Inputs are borrowed for the duration of the call. A callee that needs them later copies them.
 * - Returned pointers are owned by the side that returned them, for the lifetime written on the
 *   function ("until destroy", "until the next call", ...).
 * - Memory that changes hands is allocated with the host's allocator (gaggle_host.alloc) and
 *   released with gaggle_host.free. Nobody frees memory the other side allocated any other way.
 * - Every struct that crosses the boundary starts with uint32_t struct_size, set to sizeof() as
 *   compiled by the side that filled it. A field is present only when it lies inside struct_size.
 * - No C++ exception crosses the boundary. Errors are a gaggle_status plus a gaggle_error.
 * - Thread tags: [main-thread] the host's control thread (load, create, destroy, start, stop are
 *   serialised); [thread-safe] may be called from any thread, concurrently; [request-thread] called
 *   on the HTTP worker thread serving the request, may block that thread only. */
#ifndef GAGGLE_TYPES_H
#define GAGGLE_TYPES_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define GAGGLE_ABI __cdecl
#define GAGGLE_EXPORT __declspec(dllexport)
#else
#define GAGGLE_ABI
#define GAGGLE_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A UTF-8 byte range. data may be NULL only when size is 0. */
typedef struct gaggle_str {
    const char* data;
    size_t size;
} gaggle_str;

/* Status codes. 0 is success; every failure is negative. Plain int32_t, never a C enum, so the
 * width is fixed and new codes can be appended. Unknown negative codes mean "failed". */
typedef int32_t gaggle_status;
#define GAGGLE_OK 0
#define GAGGLE_ERR_INVALID_ARGUMENT (-1) /* the caller's input is wrong */
#define GAGGLE_ERR_UNSUPPORTED (-2)      /* not implemented by this side */
#define GAGGLE_ERR_UNAVAILABLE (-3)      /* temporarily impossible; may succeed later */
#define GAGGLE_ERR_CANCELLED (-4)        /* the caller cancelled */
#define GAGGLE_ERR_TIMEOUT (-5)          /* no answer in time */
#define GAGGLE_ERR_INTERNAL (-6)         /* a bug or an unexpected state */
#define GAGGLE_ERR_NOT_FOUND (-7)        /* the thing named does not exist */
#define GAGGLE_ERR_AUTHENTICATION (-8)   /* an upstream refused the credentials */
#define GAGGLE_ERR_RATE_LIMITED (-9)     /* an upstream said slow down (429) */
#define GAGGLE_ERR_CONTEXT_LENGTH (-10)  /* the request is too long for the model */
#define GAGGLE_ERR_NETWORK (-11)         /* connect/read/write failed */
#define GAGGLE_ERR_SERVER (-12)          /* an upstream answered 5xx */

/* Caller-allocated error report: the callee fills it on failure, so no allocation crosses the
 * boundary for errors. message is NUL-terminated, truncated to fit. */
#define GAGGLE_ERROR_MESSAGE_SIZE 1024
typedef struct gaggle_error {
    uint32_t struct_size;
    gaggle_status code;
    char message[GAGGLE_ERROR_MESSAGE_SIZE];
} gaggle_error;

/* A byte buffer whose data was allocated with gaggle_host.alloc. The receiver owns it and
 * releases data with gaggle_host.free. */
typedef struct gaggle_buffer {
    char* data;
    size_t size;
} gaggle_buffer;

/* Log levels (int32_t). */
#define GAGGLE_LOG_TRACE 0
#define GAGGLE_LOG_DEBUG 1
#define GAGGLE_LOG_INFO 2
#define GAGGLE_LOG_WARN 3
#define GAGGLE_LOG_ERROR 4

/* One HTTP header: borrowed views, valid for the call that carries them.
 *
 * It has no struct_size, so its 1.0 layout is what every array of it carries, always beside a
 * count. How it could still grow: an array's container states the element size where the host
 * builds the array (gaggle_http_request_view.header_size, ABI 1.1); and the host hands a plugin
 * only elements of the layout the plugin's target minor knows, and reads a plugin's arrays
 * (gaggle_http_request.headers) with that same layout. Per-element data that does not fit goes in a
 * new struct with struct_size, as gaggle_route2 did for gaggle_route. */
typedef struct gaggle_http_header {
    gaggle_str name;
    gaggle_str value;
} gaggle_http_header;

/* A cancellation flag owned by the host, handed to long calls. [thread-safe]
 * is_cancelled returns non-zero once the operation should stop (client gone, turn cancelled,
 * shutdown). Valid until the call it was passed to returns. */
typedef struct gaggle_cancel {
    uint32_t struct_size;
    void* ctx;
    int32_t (GAGGLE_ABI *is_cancelled)(const struct gaggle_cancel* self);
} gaggle_cancel;

#ifdef __cplusplus
}
#endif

#endif /* GAGGLE_TYPES_H */
