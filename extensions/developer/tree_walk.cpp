#include "developer/tree_walk.hpp"

#include "developer/gitignore.hpp"
#include "developer/text_editor.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace gaggle::developer {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t max_counted_file = 1u << 20; // line counts for files up to 1 MiB

struct Level {
    fs::path dir;
    IgnoreRules rules;
};

std::optional<IgnoreRules> load_rules(const fs::path& dir)
{
    std::ifstream in(dir / ".gitignore", std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    auto rules = IgnoreRules::parse(ss.str());
    if (rules.empty()) return std::nullopt;
    return rules;
}

std::string file_note(const fs::path& path)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return "";
    if (size > max_counted_file) return " (" + std::to_string(size / 1024) + " KiB)";
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (looks_binary(text)) return " (binary, " + std::to_string(size) + " bytes)";
    return " (" + std::to_string(count_lines(text)) + " lines)";
}

class Walker {
public:
    Walker(const TreeOptions& o) : o_(o) {}

    std::string run()
    {
        // .gitignore files of the parents count too, up to the repository's top (the folder with .git).
        std::vector<fs::path> parents;
        for (fs::path p = o_.root.parent_path(); !fs::exists(o_.root / ".git") && parents.size() < 32; p = p.parent_path()) {
            parents.push_back(p);
            std::error_code ec;
            if (fs::exists(p / ".git", ec) || p == p.parent_path()) break;
        }
        const bool in_repo = fs::exists(o_.root / ".git") || (!parents.empty() && fs::exists(parents.back() / ".git"));
        if (in_repo)
            for (auto it = parents.rbegin(); it != parents.rend(); ++it)
                if (auto r = load_rules(*it)) levels_.push_back({*it, std::move(*r)});
        out_ = o_.root.string() + "/\n";
        walk(o_.root, 1);
        if (shown_ >= o_.max_entries) out_ += "... stopped after " + std::to_string(o_.max_entries) + " entries\n";
        if (!o_.pattern.empty() && shown_ == 0) out_ += "(no file matches " + o_.pattern + ")\n";
        out_ += std::to_string(dirs_) + " directories, " + std::to_string(files_) + " files";
        if (hidden_) out_ += ", " + std::to_string(hidden_) + " entries hidden by .gitignore";
        return out_ + "\n";
    }

private:
    bool ignored(const fs::path& path, bool is_dir) const
    {
        std::optional<bool> verdict;
        for (const auto& level : levels_) {
            const auto rel = path.lexically_relative(level.dir).generic_string();
            if (rel.empty() || rel.rfind("..", 0) == 0) continue;
            if (auto m = level.rules.match(rel, is_dir)) verdict = m;
        }
        return verdict.value_or(false);
    }

    void walk(const fs::path& dir, int depth)
    {
        bool pushed = false;
        if (auto r = load_rules(dir)) {
            levels_.push_back({dir, std::move(*r)});
            pushed = true;
        }
        std::vector<std::pair<fs::path, bool>> entries;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
            std::error_code tec;
            entries.emplace_back(e.path(), e.is_directory(tec) && !e.is_symlink(tec));
        }
        std::sort(entries.begin(), entries.end());
        for (const auto& [path, is_dir] : entries) {
            if (shown_ >= o_.max_entries) break;
            if (path.filename() == ".git") continue;
            if (ignored(path, is_dir)) {
                ++hidden_;
                continue;
            }
            const std::string rel = path.lexically_relative(o_.root).generic_string();
            if (o_.pattern.empty()) {
                out_ += std::string(static_cast<std::size_t>(depth) * 2, ' ') + path.filename().string() + (is_dir ? "/" : file_note(path)) + "\n";
                ++shown_;
                ++(is_dir ? dirs_ : files_);
            } else if (!is_dir && glob_match(o_.pattern, o_.pattern.find('/') != std::string::npos ? rel : path.filename().string())) {
                out_ += rel + file_note(path) + "\n";
                ++shown_;
                ++files_;
            }
            if (is_dir && depth < o_.depth) walk(path, depth + 1);
        }
        if (pushed) levels_.pop_back();
    }

    const TreeOptions& o_;
    std::vector<Level> levels_;
    std::string out_;
    std::size_t shown_ = 0, dirs_ = 0, files_ = 0, hidden_ = 0;
};

} // namespace

std::string walk_tree(const TreeOptions& options)
{
    std::error_code ec;
    if (!fs::exists(options.root, ec)) return "error: path does not exist: " + options.root.string();
    if (!fs::is_directory(options.root, ec)) return "error: " + options.root.string() + " is not a directory";
    TreeOptions o = options;
    o.depth = std::clamp(o.depth, 1, 32);
    return Walker(o).run();
}

} // namespace gaggle::developer
