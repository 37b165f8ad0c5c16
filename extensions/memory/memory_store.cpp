#include "memory/memory_store.hpp"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace gaggle::memory {

namespace fs = std::filesystem;

namespace {

std::mutex& files_mutex()
{
    static std::mutex m;
    return m;
}

std::string trim(const std::string& s)
{
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// Entries are separated by blank lines, so an entry cannot hold one: runs of blank lines inside a
// memory become single line breaks.
std::string without_blank_lines(const std::string& text)
{
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (trim(line).empty()) continue;
        out += (out.empty() ? "" : "\n") + line;
    }
    return out;
}

} // namespace

std::optional<std::string> MemoryStore::check_category(const std::string& category)
{
    if (category.empty()) return "argument 'category' is empty";
    if (category.size() > 100) return "argument 'category' is longer than 100 characters";
    if (category[0] == '.') return "argument 'category' may not start with '.'";
    for (unsigned char c : category)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.'))
            return "argument 'category' may hold only letters, digits, '-', '_' and '.' (it names a file), got '" + category + "'";
    return std::nullopt;
}

std::vector<Memory> MemoryStore::load(const fs::path& file) const
{
    std::vector<Memory> out;
    std::ifstream in(file);
    if (!in) return out;
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        std::string block = trim(text.substr(start, end - start));
        start = end + 2;
        if (block.empty()) continue;
        Memory m;
        if (block.rfind("# ", 0) == 0) {
            const auto nl = block.find('\n');
            std::istringstream tags(block.substr(2, nl == std::string::npos ? std::string::npos : nl - 2));
            for (std::string t; tags >> t;) m.tags.push_back(t);
            block = nl == std::string::npos ? "" : block.substr(nl + 1);
        }
        m.text = trim(block);
        if (!m.text.empty()) out.push_back(std::move(m));
    }
    return out;
}

void MemoryStore::save(const fs::path& file, const std::vector<Memory>& memories) const
{
    if (memories.empty()) {
        std::error_code ec;
        fs::remove(file, ec);
        return;
    }
    fs::create_directories(file.parent_path());
    std::string text;
    for (const auto& m : memories) {
        if (!text.empty()) text += "\n";
        if (!m.tags.empty()) {
            text += "#";
            for (const auto& t : m.tags) text += " " + t;
            text += "\n";
        }
        text += m.text + "\n";
    }
    const fs::path tmp = file.string() + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, file);
}

void MemoryStore::remember(const std::string& category, const std::string& text, const std::vector<std::string>& tags)
{
    std::lock_guard lock(files_mutex());
    auto memories = load(file_of(category));
    Memory m;
    for (const auto& t : tags) {
        // A tag is one word on the tag line.
        std::istringstream words(t);
        for (std::string w; words >> w;) m.tags.push_back(w);
    }
    m.text = without_blank_lines(trim(text));
    if (m.text.rfind("# ", 0) == 0) m.text.insert(0, "\\"); // would read back as a tag line
    memories.push_back(std::move(m));
    save(file_of(category), memories);
}

std::map<std::string, std::vector<Memory>> MemoryStore::retrieve(const std::string& category) const
{
    std::lock_guard lock(files_mutex());
    std::map<std::string, std::vector<Memory>> out;
    if (category != "*") {
        auto m = load(file_of(category));
        if (!m.empty()) out[category] = std::move(m);
        return out;
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (e.path().extension() != ".txt") continue;
        auto m = load(e.path());
        if (!m.empty()) out[e.path().stem().string()] = std::move(m);
    }
    return out;
}

std::size_t MemoryStore::remove_category(const std::string& category)
{
    std::lock_guard lock(files_mutex());
    std::error_code ec;
    if (category != "*") return fs::remove(file_of(category), ec) ? 1 : 0;
    std::size_t n = 0;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_, ec))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    for (const auto& f : files) n += fs::remove(f, ec) ? 1 : 0;
    return n;
}

std::size_t MemoryStore::remove_matching(const std::string& category, const std::string& content)
{
    std::lock_guard lock(files_mutex());
    auto memories = load(file_of(category));
    const auto before = memories.size();
    std::erase_if(memories, [&](const Memory& m) { return m.text.find(content) != std::string::npos; });
    if (memories.size() != before) save(file_of(category), memories);
    return before - memories.size();
}

fs::path global_memory_dir()
{
    if (const char* root = std::getenv("GOOSE_PATH_ROOT"); root && *root) return fs::path(root) / "config" / "memory";
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return fs::path(xdg) / "goose" / "memory";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/") / ".config" / "goose" / "memory";
}

} // namespace gaggle::memory
