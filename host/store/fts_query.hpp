#pragma once
// Turns a user's search text into a full-text query that cannot be a syntax error: an FTS5
// MATCH expression (SQLite) or a tsquery (PostgreSQL), with the same words and meaning.
#include <optional>
#include <string>
#include <string_view>

namespace gaggle {

// Each whitespace-separated word becomes a quoted phrase (inner quotes doubled, so FTS5 sees
// AND, NEAR(, *, ( and " as plain text), with a prefix star when it ends in a word character;
// the phrases are OR-ed, matching upstream's "any keyword" search. Words without any letter or
// digit are dropped; nullopt when nothing searchable remains. At most max_terms words are kept.
std::optional<std::string> to_fts5_query(std::string_view user_text, std::size_t max_terms = 32);

// The same query for PostgreSQL's to_tsquery('simple', ...): each whitespace-separated word's
// runs of word characters become a phrase ('foo' <-> 'bar'), the last run a prefix (:*) when
// the word ends in a word character; the words are OR-ed. Operands hold only word characters
// (bytes of invalid UTF-8 separate words), so no user text is ever read as tsquery syntax.
// Case and Latin diacritics are folded (as SQLite's unicode61 remove_diacritics does).
std::optional<std::string> to_tsquery_text(std::string_view user_text, std::size_t max_terms = 32);

// Text as PostgreSQL's index should see it: every run of non-word characters becomes one space,
// so its parser splits words where SQLite's unicode61 tokenizer does (no e-mail, URL or path
// tokens of its own), with case and Latin diacritics folded as in to_tsquery_text. Cut at
// max_bytes, a word boundary, to stay inside tsvector's limits.
std::string to_search_words(std::string_view text, std::size_t max_bytes = 256 * 1024);

} // namespace gaggle
