#include "store/fts_query.hpp"

#include <algorithm>

namespace gaggle {

namespace {

// What FTS5's unicode61 tokenizer keeps as token characters: ASCII letters and digits, and
// (approximately) every non-ASCII byte, which belongs to a letter in any script we expect.
bool word_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Whitespace and control characters (NUL included) separate words.
bool space(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }

// Hands each whitespace-separated word of text to `term`, which returns whether the word made a
// term of the query, until max_terms words have (words without one do not count). Both query
// builders split user text this one way.
template <class Term>
void for_each_term(std::string_view text, std::size_t max_terms, Term&& term) {
    std::size_t terms = 0, i = 0;
    while (i < text.size() && terms < max_terms) {
        while (i < text.size() && space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !space(text[i])) ++i;
        if (i > start && term(text.substr(start, i - start))) ++terms;
    }
}

// Length of the valid UTF-8 sequence at text[i], or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
    const auto cont = [&](std::size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
    const unsigned c = byte(i);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        const unsigned c1 = byte(i + 1);
        const bool ok1 = c == 0xE0 ? (c1 >= 0xA0 && c1 <= 0xBF) : c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F) : cont(i + 1);
        return ok1 && cont(i + 2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const unsigned c1 = byte(i + 1);
        const bool ok1 = c == 0xF0 ? (c1 >= 0x90 && c1 <= 0xBF) : c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F) : cont(i + 1);
        return ok1 && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
}

// PostgreSQL refuses text that is not UTF-8: bytes that are not part of a valid sequence become
// spaces (word separators), so neither a message nor a search can fail on them.
std::string scrub_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            out += ' ';
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}


// PostgreSQL's 'simple' configuration lowercases ASCII only (under the C locale) and keeps
// diacritics; SQLite's unicode61 index folds both. To search alike, the words PostgreSQL indexes
// and queries are folded here first: ASCII and the letters of Latin-1 Supplement and Latin
// Extended-A lose case and diacritics ("Café" and "CAFE" both become "cafe"); letters without a
// base letter (æ, ß, œ, ŋ) only lose case. Other scripts pass unchanged.
constexpr char kLatin1Base[] = "aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0\0aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0y";       // U+00C0 .. U+00FF; NUL: keep the letter
constexpr char kLatinExtendedABase[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii\0\0jjkkkllllllllllnnnnnnn\0\0oooooo\0\0rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";  // U+0100 .. U+017F

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else {  // only 2-byte code points are folded here
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string fold_for_search(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
            continue;
        }
        if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < text.size()) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]);
            if ((c1 & 0xC0) == 0x80) {
                const unsigned cp = ((c & 0x1Fu) << 6) | (c1 & 0x3Fu);
                ++i;
                if (cp >= 0xC0 && cp <= 0xFF) {
                    const char base = kLatin1Base[cp - 0xC0];
                    if (base) out += base;
                    else append_utf8(out, cp >= 0xC0 && cp <= 0xDE && cp != 0xD7 && cp != 0xDF ? cp + 0x20 : cp);
                    continue;
                }
                if (cp >= 0x100 && cp <= 0x17F) {
                    const char base = kLatinExtendedABase[cp - 0x100];
                    if (base) out += base;
                    else append_utf8(out, cp | 1u);  // the pairs kept (Ĳ ĳ, Ŋ ŋ, Œ œ): upper even, lower odd
                    continue;
                }
                append_utf8(out, cp);  // U+0080 .. U+00BF: not letters
                continue;
            }
        }
        out += static_cast<char>(c);
    }
    return out;
}

} // namespace

std::optional<std::string> to_fts5_query(std::string_view text, std::size_t max_terms) {
    std::string out;
    for_each_term(text, max_terms, [&](std::string_view word) {
        bool searchable = false;
        for (char c : word) searchable = searchable || word_char(static_cast<unsigned char>(c));
        if (!searchable) return false;

        if (!out.empty()) out += " OR ";
        out += '"';
        for (char c : word) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
        if (word_char(static_cast<unsigned char>(word.back()))) out += '*';
        return true;
    });
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<std::string> to_tsquery_text(std::string_view user_text, std::size_t max_terms) {
    const std::string folded = fold_for_search(scrub_utf8(user_text));
    std::string out;
    for_each_term(folded, max_terms, [&](std::string_view word) {
        std::string phrase;
        for (std::size_t j = 0; j < word.size();) {
            while (j < word.size() && !word_char(static_cast<unsigned char>(word[j]))) ++j;
            const std::size_t run = j;
            while (j < word.size() && word_char(static_cast<unsigned char>(word[j]))) ++j;
            if (j == run) break;
            if (!phrase.empty()) phrase += " <-> ";
            phrase += '\'';
            phrase += word.substr(run, j - run);
            phrase += '\'';
        }
        if (phrase.empty()) return false;
        if (word_char(static_cast<unsigned char>(word.back()))) phrase += ":*";
        if (!out.empty()) out += " | ";
        out += '(';
        out += phrase;
        out += ')';
        return true;
    });
    if (out.empty()) return std::nullopt;
    return out;
}

std::string to_search_words(std::string_view raw_text, std::size_t max_bytes) {
    const std::string folded = fold_for_search(scrub_utf8(raw_text));
    const std::string_view text = folded;
    std::string out;
    out.reserve(std::min(text.size(), max_bytes));
    for (char c : text) {
        if (word_char(static_cast<unsigned char>(c))) out += c;
        else if (!out.empty() && out.back() != ' ') out += ' ';
        if (out.size() >= max_bytes) break;
    }
    if (out.size() >= max_bytes) {
        // Cut back to the last whole word (never inside a UTF-8 sequence).
        const auto last_space = out.rfind(' ');
        out.resize(last_space == std::string::npos ? 0 : last_space);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

} // namespace gaggle
