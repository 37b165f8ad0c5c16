#include "developer/text_editor.hpp"

#include "common/text_lines.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gaggle::developer {

namespace fs = std::filesystem;
using mcp_server::ToolResult;
using nlohmann::json;

std::size_t count_lines(std::string_view text) { return text_lines::count(text); }

bool looks_binary(std::string_view head) { return head.substr(0, 8192).find('\0') != std::string_view::npos; }

namespace {

struct ReadResult {
    std::optional<std::string> text;
    std::string error;
};

ReadResult read_text(const fs::path& path, std::size_t limit)
{
    std::error_code ec;
    if (!fs::exists(path, ec)) return {std::nullopt, "path does not exist: " + path.string()};
    if (fs::is_directory(path, ec)) return {std::nullopt, path.string() + " is a directory"};
    if (!fs::is_regular_file(path, ec)) return {std::nullopt, path.string() + " is not a regular file"};
    const auto size = fs::file_size(path, ec);
    if (ec) return {std::nullopt, "cannot read " + path.string() + ": " + ec.message()};
    if (size > limit) return {std::nullopt, path.string() + " is " + std::to_string(size) + " bytes, more than the " + std::to_string(limit) + " this tool handles"};
    std::ifstream in(path, std::ios::binary);
    if (!in) return {std::nullopt, "cannot open " + path.string()};
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (looks_binary(text)) return {std::nullopt, path.string() + " looks like a binary file (it has NUL bytes); text_editor only handles text"};
    return {std::move(text), ""};
}

// Writes through a temp file and a rename, so a crash never leaves half a file; keeps the mode.
std::optional<std::string> write_atomically(const fs::path& path, const std::string& text)
{
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return "cannot create " + path.parent_path().string() + ": " + ec.message();
    std::string tmp = (path.parent_path() / ("." + path.filename().string() + ".gaggle-XXXXXX")).string();
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) return "cannot write in " + path.parent_path().string();
    struct stat st {};
    ::fchmod(fd, ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644);
    std::size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            return "cannot write " + path.string() + " (disk full?)";
        }
        off += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return "cannot replace " + path.string();
    }
    return std::nullopt;
}

using text_lines::numbered;

std::vector<std::string_view> split_lines(std::string_view text) { return text_lines::split(text); }

// The lines around a change, so the model sees what it did without viewing the file again.
std::string snippet(std::string_view text, std::size_t first_line, std::size_t line_count)
{
    const auto lines = split_lines(text);
    const std::size_t from = first_line > 3 ? first_line - 3 : 1;
    const std::size_t to = std::min(lines.size(), first_line + line_count + 2);
    return numbered(lines, from, to);
}

std::size_t line_of(std::string_view text, std::size_t offset)
{
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::optional<std::string> string_arg(const json& args, const char* name)
{
    auto it = args.find(name);
    if (it == args.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

} // namespace

ToolResult TextEditor::run(const json& args, const PathPolicy& policy)
{
    const std::string command = args.value("command", "");
    auto resolved = policy.resolve(args.value("path", ""));
    if (auto* err = std::get_if<std::string>(&resolved)) return ToolResult::error(*err);
    const fs::path path = std::get<fs::path>(resolved);
    if (command == "view") return view(path, args);
    std::lock_guard lock(mutex_); // edits read, change and write: one at a time
    if (command == "write") return write(path, args);
    if (command == "str_replace") return str_replace(path, args);
    if (command == "insert") return insert(path, args);
    if (command == "undo_edit") return undo(path);
    return ToolResult::error("argument 'command' must be one of view, write, str_replace, insert, undo_edit");
}

void TextEditor::remember(const fs::path& path, std::optional<std::string> before)
{
    auto& stack = history_[path];
    stack.push_back(std::move(before));
    if (stack.size() > undo_depth) stack.erase(stack.begin());
}

ToolResult TextEditor::view(const fs::path& path, const json& args)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<std::string> entries;
        for (const auto& e : fs::directory_iterator(path, fs::directory_options::skip_permission_denied, ec))
            entries.push_back(e.path().filename().string() + (e.is_directory(ec) ? "/" : ""));
        if (ec) return ToolResult::error("cannot list " + path.string() + ": " + ec.message());
        std::sort(entries.begin(), entries.end());
        constexpr std::size_t max_entries = 1000;
        std::string out = path.string() + "/ (directory, " + std::to_string(entries.size()) + " entries)\n";
        for (std::size_t i = 0; i < entries.size() && i < max_entries; ++i) out += entries[i] + "\n";
        if (entries.size() > max_entries) out += "... " + std::to_string(entries.size() - max_entries) + " more entries\n";
        return ToolResult::text(out);
    }
    const bool ranged = args.contains("view_range");
    auto read = read_text(path, ranged ? max_edit_bytes : max_view_bytes);
    if (!read.text) {
        if (!ranged && read.error.find("more than") != std::string::npos) read.error += "; give a view_range to see part of it";
        return ToolResult::error(read.error);
    }
    const auto lines = split_lines(*read.text);
    std::size_t first = 1, last = lines.size();
    if (ranged) {
        const auto& r = args["view_range"];
        const long long a = r[0].get<long long>(), b = r[1].get<long long>();
        if (a < 1 || static_cast<std::size_t>(a) > std::max<std::size_t>(lines.size(), 1))
            return ToolResult::error("argument 'view_range': start line " + std::to_string(a) + " is outside the file's " + std::to_string(lines.size()) + " lines");
        if (b != -1 && b < a) return ToolResult::error("argument 'view_range': end line must be -1 or at least the start line");
        first = static_cast<std::size_t>(a);
        last = b == -1 ? lines.size() : std::min(lines.size(), static_cast<std::size_t>(b));
        // Even a range is bounded: the answer goes to a model's context.
        std::size_t bytes = 0, i = first;
        for (; i <= last && bytes < max_view_bytes; ++i) bytes += lines[i - 1].size() + 1;
        last = i - 1;
    }
    std::string out = path.string() + " (" + std::to_string(lines.size()) + " lines";
    if (ranged || last < lines.size()) out += ", showing " + std::to_string(first) + "-" + std::to_string(last);
    out += ")\n" + numbered(lines, first, last);
    return ToolResult::text(out);
}

ToolResult TextEditor::write(const fs::path& path, const json& args)
{
    auto text = string_arg(args, "file_text");
    if (!text) return ToolResult::error("write needs the argument 'file_text'");
    std::error_code ec;
    std::optional<std::string> before;
    if (fs::exists(path, ec)) {
        auto read = read_text(path, max_edit_bytes);
        if (!read.text) return ToolResult::error("not overwriting: " + read.error);
        before = std::move(read.text);
    }
    if (auto err = write_atomically(path, *text)) return ToolResult::error(*err);
    remember(path, std::move(before));
    return ToolResult::text(std::string(before ? "Overwrote " : "Created ") + path.string() + " (" + std::to_string(count_lines(*text)) + " lines)");
}

ToolResult TextEditor::str_replace(const fs::path& path, const json& args)
{
    auto old_str = string_arg(args, "old_str");
    auto new_str = string_arg(args, "new_str");
    if (!old_str || old_str->empty()) return ToolResult::error("str_replace needs a non-empty argument 'old_str'");
    if (!new_str) return ToolResult::error("str_replace needs the argument 'new_str' (an empty string deletes)");
    auto read = read_text(path, max_edit_bytes);
    if (!read.text) return ToolResult::error(read.error);
    const std::string& text = *read.text;
    std::vector<std::size_t> at;
    for (auto pos = text.find(*old_str); pos != std::string::npos && at.size() < 20; pos = text.find(*old_str, pos + old_str->size()))
        at.push_back(pos);
    if (at.empty())
        return ToolResult::error("old_str was not found in " + path.string() + "; nothing changed. It must match the file exactly, whitespace and indentation included.");
    if (at.size() > 1) {
        std::string where;
        for (auto pos : at) where += (where.empty() ? "" : ", ") + std::to_string(line_of(text, pos));
        return ToolResult::error("old_str matches " + std::string(at.size() >= 20 ? "20 or more" : std::to_string(at.size())) +
                                 " places in " + path.string() + " (lines " + where +
                                 "); nothing changed. Include more surrounding lines so it matches exactly one.");
    }
    std::string updated = text;
    updated.replace(at[0], old_str->size(), *new_str);
    if (auto err = write_atomically(path, updated)) return ToolResult::error(*err);
    remember(path, text);
    const std::size_t line = line_of(updated, at[0]);
    return ToolResult::text("Replaced 1 match at line " + std::to_string(line) + " of " + path.string() + " (now " +
                            std::to_string(count_lines(updated)) + " lines):\n" + snippet(updated, line, count_lines(*new_str)));
}

ToolResult TextEditor::insert(const fs::path& path, const json& args)
{
    auto new_str = string_arg(args, "new_str");
    if (!new_str) return ToolResult::error("insert needs the argument 'new_str'");
    if (!args.contains("insert_line") || !args["insert_line"].is_number_integer())
        return ToolResult::error("insert needs the integer argument 'insert_line' (0 inserts at the top)");
    auto read = read_text(path, max_edit_bytes);
    if (!read.text) return ToolResult::error(read.error);
    const std::string& text = *read.text;
    const auto total = count_lines(text);
    const long long after = args["insert_line"].get<long long>();
    if (after < 0 || static_cast<std::size_t>(after) > total)
        return ToolResult::error("argument 'insert_line' must be between 0 and " + std::to_string(total) + " (the file's line count)");
    const std::string updated = text_lines::insert_after(text, static_cast<std::size_t>(after), *new_str);
    if (auto err = write_atomically(path, updated)) return ToolResult::error(*err);
    remember(path, text);
    const auto first = static_cast<std::size_t>(after) + 1;
    return ToolResult::text("Inserted " + std::to_string(count_lines(*new_str)) + " lines after line " + std::to_string(after) + " of " +
                            path.string() + " (now " + std::to_string(count_lines(updated)) + " lines):\n" +
                            snippet(updated, first, count_lines(*new_str)));
}

ToolResult TextEditor::undo(const fs::path& path)
{
    auto it = history_.find(path);
    if (it == history_.end() || it->second.empty()) return ToolResult::error("no edit of " + path.string() + " to undo");
    auto before = std::move(it->second.back());
    it->second.pop_back();
    if (!before) {
        std::error_code ec;
        fs::remove(path, ec);
        if (ec) return ToolResult::error("cannot remove " + path.string() + ": " + ec.message());
        return ToolResult::text("Undid the creation of " + path.string() + " (removed it)");
    }
    if (auto err = write_atomically(path, *before)) return ToolResult::error(*err);
    return ToolResult::text("Restored " + path.string() + " to its content before the last edit (" + std::to_string(count_lines(*before)) + " lines)");
}

} // namespace gaggle::developer
