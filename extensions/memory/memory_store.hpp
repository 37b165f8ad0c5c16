#pragma once
// Memories as plain text a person can read and edit, in goose's format: one file per category
// (`<dir>/<category>.txt`), entries separated by a blank line, each optionally starting with a
// `# tag1 tag2` line. Thread-safe (one lock for every store in the process, since two stores may
// name one folder); a file is rewritten whole through a rename.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::memory {

struct Memory {
    std::vector<std::string> tags;
    std::string text;
};

class MemoryStore {
public:
    explicit MemoryStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
    const std::filesystem::path& dir() const { return dir_; }

    // A category names a file: letters, digits, '-', '_' and '.', not starting with '.'.
    static std::optional<std::string> check_category(const std::string& category);

    void remember(const std::string& category, const std::string& text, const std::vector<std::string>& tags);
    // "*" reads every category.
    std::map<std::string, std::vector<Memory>> retrieve(const std::string& category) const;
    // "*" removes every category; returns how many categories were removed.
    std::size_t remove_category(const std::string& category);
    // Removes the entries of `category` whose text contains `content`; returns how many.
    std::size_t remove_matching(const std::string& category, const std::string& content);

private:
    std::vector<Memory> load(const std::filesystem::path& file) const;
    void save(const std::filesystem::path& file, const std::vector<Memory>& memories) const;
    std::filesystem::path file_of(const std::string& category) const { return dir_ / (category + ".txt"); }

    std::filesystem::path dir_;
};

// The global memory folder: $GOOSE_PATH_ROOT/config/memory, else $XDG_CONFIG_HOME/goose/memory,
// else ~/.config/goose/memory (where goose keeps it).
std::filesystem::path global_memory_dir();

} // namespace gaggle::memory
