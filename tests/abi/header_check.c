/* Compiles the public headers as strict C99 (-std=c99 -pedantic -Werror): the ABI is C. */
#include <gaggle/gaggle.h>

/* The layouts third-party plugins rely on: struct_size comes first everywhere. */
typedef char entry_size_first[(offsetof(gaggle_plugin_entry, struct_size) == 0) ? 1 : -1];
typedef char host_size_first[(offsetof(gaggle_host, struct_size) == 0) ? 1 : -1];
typedef char error_size_first[(offsetof(gaggle_error, struct_size) == 0) ? 1 : -1];

int gaggle_header_check_c99(void);
int gaggle_header_check_c99(void)
{
    gaggle_version host = GAGGLE_ABI_VERSION_INIT;
    return gaggle_version_compatible(host, host);
}
