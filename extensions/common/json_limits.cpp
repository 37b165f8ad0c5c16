#include "common/json_limits.hpp"

namespace gaggle::mcp_server {

int json_nesting_depth(std::string_view text, int limit)
{
    int depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > limit) return limit + 1;
        } else if ((c == ']' || c == '}') && depth > 0) --depth;
    }
    return deepest;
}

} // namespace gaggle::mcp_server
