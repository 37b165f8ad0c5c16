#pragma once
// Where the developer tools may look and write: a path is taken as given when absolute, else
// relative to the working dir; when the client declared roots, the resolved path (symlinks
// followed as far as the path exists) must lie inside one of them.
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace gaggle::developer {

class PathPolicy {
public:
    PathPolicy(std::filesystem::path working_dir, std::vector<std::filesystem::path> roots);
    // The resolved path, or a message naming the argument and why it is refused.
    std::variant<std::filesystem::path, std::string> resolve(const std::string& raw, const std::string& argument = "path") const;
    const std::filesystem::path& working_dir() const { return working_dir_; }

private:
    std::filesystem::path working_dir_;
    std::vector<std::filesystem::path> roots_; // canonical
};

// True when `path` is `base` or lies below it (both absolute and normal).
bool is_within(const std::filesystem::path& path, const std::filesystem::path& base);

} // namespace gaggle::developer
