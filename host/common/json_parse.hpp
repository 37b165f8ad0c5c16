#pragma once
// Parsing JSON that comes from outside the process (request bodies, imported files, deeplinks):
// the nesting depth is checked on the text before any tree is built, so nothing recursive (copy,
// dump, compare) ever sees a document deep enough to overflow a worker thread's stack.
#include "common/json.hpp"

#include <string_view>

namespace gaggle {

// Deepest nesting accepted from outside; the same limit the provider plugins apply upstream.
inline constexpr int max_json_depth = 128;

// Parses `text`; throws invalid_argument (400) naming `what`:
//   "<what> nests deeper than 128 levels" or "<what> is not valid JSON: ...".
Json parse_untrusted_json(std::string_view text, std::string_view what);

} // namespace gaggle
