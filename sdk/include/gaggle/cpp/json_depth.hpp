// Gaggle plugin SDK: a guard for JSON that comes from outside (an upstream HTTP response, an SSE
// event, a request body). Header-only C++17, no dependencies.
//
// Every JSON library that builds a tree recurses over it somewhere (copying, printing, comparing,
// destroying), so a document nested 100,000 levels deep overflows a thread's stack. Call this on
// the text *before* parsing it and refuse the document when it nests too deep: it is a single
// pass over the bytes, with no recursion and no allocation.
#ifndef GAGGLE_CPP_JSON_DEPTH_HPP
#define GAGGLE_CPP_JSON_DEPTH_HPP

#include <cstddef>
#include <string_view>

namespace gaggle::sdk {

// A nesting limit generous for any real payload (JSON Schemas, tool arguments, messages) and far
// below what a 256 KiB thread stack survives when a tree that deep is copied.
inline constexpr int max_json_depth = 128;

// True when `text` opens more than `limit` arrays/objects inside one another. Brackets inside
// strings do not count. For invalid JSON the answer is still safe to act on: a parser that reads
// `text` never holds more open containers than counted here before it reports the error.
inline bool json_nests_deeper_than(std::string_view text, int limit = max_json_depth) noexcept
{
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i; // the escaped character cannot end the string
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
        case '"': in_string = true; break;
        case '[':
        case '{':
            if (++depth > limit) return true;
            break;
        case ']':
        case '}':
            if (depth > 0) --depth;
            break;
        default: break;
        }
    }
    return false;
}

} // namespace gaggle::sdk

#endif
