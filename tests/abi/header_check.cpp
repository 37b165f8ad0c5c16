// Compiles the public headers and the C++ wrapper as C++17: what a plugin author's compiler sees.
#include <gaggle/cpp/json_depth.hpp>
#include <gaggle/cpp/plugin.hpp>

static_assert(sizeof(gaggle_str) == 2 * sizeof(void*), "gaggle_str is {pointer, size}");
static_assert(offsetof(gaggle_provider_v1, struct_size) == 0, "struct_size first");
static_assert(offsetof(gaggle_feature_v1, struct_size) == 0, "struct_size first");
static_assert(offsetof(gaggle_transport_v1, struct_size) == 0, "struct_size first");

int gaggle_header_check_cxx17() { return gaggle::sdk::view(gaggle::sdk::str("ok")).size() == 2 ? 0 : 1; }
int gaggle_header_check_json_depth() { return gaggle::sdk::json_nests_deeper_than("[[1]]", 1) ? 0 : 1; }
