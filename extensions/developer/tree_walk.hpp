#pragma once
// The developer `tree` tool: a directory tree (or, with a pattern, a flat file search) under a
// path, hiding what .gitignore files hide (those in the walked folders and in their parents up to
// the repository root) and `.git` itself. Bounded in depth and in entries listed.
#include <cstddef>
#include <filesystem>
#include <string>

namespace gaggle::developer {

struct TreeOptions {
    std::filesystem::path root;
    int depth = 3;              // levels below root shown (the pattern search defaults deeper)
    std::string pattern;        // empty: the tree; else a glob on the name, or on the path when it has a '/'
    std::size_t max_entries = 1000;
};

// The rendered listing; a message starting with "error: " when root is not a directory.
std::string walk_tree(const TreeOptions& options);

} // namespace gaggle::developer
