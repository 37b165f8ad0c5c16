#pragma once
// A text file's lines as the developer tools show them to a model: split on '\n' (a last line
// without one still counts) and numbered in a 6-wide column. Shared by the builtin text_editor and
// the host's ACP editor tools, so a file viewed through an editor's buffer reads exactly as one
// viewed on disk. Header-only, standard library only.
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

} // namespace gaggle::text_lines
