#pragma once
// Turns a user's search text into an FTS5 MATCH expression that cannot be a syntax error.
#include <optional>
#include <string>
#include <string_view>

namespace gaggle {

// Each whitespace-separated word becomes a quoted phrase (inner quotes doubled, so FTS5 sees
// AND, NEAR(, *, ( and " as plain text), with a prefix star when it ends in a word character;
// the phrases are OR-ed, matching upstream's "any keyword" search. Words without any letter or
// digit are dropped; nullopt when nothing searchable remains. At most max_terms words are kept.
std::optional<std::string> to_fts5_query(std::string_view user_text, std::size_t max_terms = 32);

} // namespace gaggle
