#pragma once
// Recipe ids as upstream makes them (goosed-api.md §2.4): 16 hex digits of the hash of the
// recipe file's path. Upstream hashes with Rust's DefaultHasher (SipHash-1-3, zero keys, over
// the path's bytes and a 0xFF terminator); we compute the same function, so a recipe keeps the
// id a goosed on the same machine gives it.
#include <string>

namespace gaggle {
std::string recipe_id_for_path(const std::string& path);
}
