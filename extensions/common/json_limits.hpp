#pragma once
// Bounds on what a client may send before a frame is parsed: the servers read from whatever process
// spawned them, so a hostile or broken frame must cost a JSON-RPC error, never the stack or the heap.
#include <cstddef>
#include <string_view>

namespace gaggle::mcp_server {

constexpr std::size_t max_frame_bytes = 16u << 20; // one JSON-RPC message (a write of a large file fits)
constexpr int max_json_depth = 64;                 // MCP frames are shallow; tool arguments rarely pass 10

// The deepest nesting of arrays and objects in `text`, skipping string contents. Stops counting
// once `limit` is passed (returns limit + 1), so it is O(n) with no recursion whatever the input.
int json_nesting_depth(std::string_view text, int limit = max_json_depth);

} // namespace gaggle::mcp_server
