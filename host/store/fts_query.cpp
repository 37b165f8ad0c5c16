#include "store/fts_query.hpp"

namespace gaggle {

namespace {

// What FTS5's unicode61 tokenizer keeps as token characters: ASCII letters and digits, and
// (approximately) every non-ASCII byte, which belongs to a letter in any script we expect.
bool word_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Whitespace and control characters (NUL included) separate words.
bool space(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }

} // namespace

std::optional<std::string> to_fts5_query(std::string_view text, std::size_t max_terms) {
    std::string out;
    std::size_t terms = 0, i = 0;
    while (i < text.size() && terms < max_terms) {
        while (i < text.size() && space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !space(text[i])) ++i;
        const std::string_view word = text.substr(start, i - start);

        bool searchable = false;
        for (char c : word) searchable = searchable || word_char(static_cast<unsigned char>(c));
        if (!searchable) continue;

        if (terms++ > 0) out += " OR ";
        out += '"';
        for (char c : word) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
        if (word_char(static_cast<unsigned char>(word.back()))) out += '*';
    }
    if (terms == 0) return std::nullopt;
    return out;
}

} // namespace gaggle
