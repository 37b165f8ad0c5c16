#pragma once
// The OpenAPI sources compiled into the binary (generated from host/api/openapi/*.json at
// configure time, see CMakeLists.txt), so the server needs no data files to describe itself.
#include <string_view>

namespace gaggle {
std::string_view embedded_upstream_openapi();
std::string_view embedded_gaggle_paths();
}
