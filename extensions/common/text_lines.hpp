#pragma once
// A text file's lines as the developer tools show them to a model: split on '\n' (a last line
// without one still counts), numbered in a 6-wide column, counted, and text inserted after one of
// them. Shared by the builtin text_editor and the host's ACP editor tools, so a file viewed or
// edited through an editor's buffer reads and changes exactly as one on disk. Header-only,
// standard library only.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle::text_lines {

// Views into `text`, which must outlive them.
inline std::vector<std::string_view> split(std::string_view text)
{
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

// Lines first..last (1-based, inclusive, clipped to the end), each "     N  text\n".
inline std::string numbered(const std::vector<std::string_view>& lines, std::size_t first, std::size_t last)
{
    std::string out;
    char num[32];
    for (std::size_t i = first; i <= last && i <= lines.size(); ++i) {
        std::snprintf(num, sizeof num, "%6zu  ", i);
        out += num;
        out += lines[i - 1];
        out += '\n';
    }
    return out;
}

// How many lines `text` has: split(text).size(), without building the views.
inline std::size_t count(std::string_view text)
{
    if (text.empty()) return 0;
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() == '\n' ? 0 : 1);
}

// `text` with `piece` inserted after line `after` (0: at the top), which must be at most
// count(text). The piece becomes whole lines: a newline ends it unless it lands at the very end,
// and one starts it after an unterminated last line.
inline std::string insert_after(const std::string& text, std::size_t after, std::string piece)
{
    std::size_t offset = 0;
    for (std::size_t i = 0; i < after; ++i) {
        const auto nl = text.find('\n', offset);
        if (nl == std::string::npos) {
            offset = text.size(); // after an unterminated last line
            break;
        }
        offset = nl + 1;
    }
    if (offset == text.size() && !text.empty() && text.back() != '\n') piece.insert(0, "\n");
    if (!piece.empty() && piece.back() != '\n' && offset < text.size()) piece += '\n';
    std::string updated = text;
    updated.insert(offset, piece);
    return updated;
}

} // namespace gaggle::text_lines
