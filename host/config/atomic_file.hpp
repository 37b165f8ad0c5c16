#pragma once
// Replacing a file so that a crash at any moment leaves either the old or the new content, never a
// mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace gaggle {

// Throws gaggle::Error(internal) naming the path when any step fails; the target is then untouched.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode = 0644);

// Keeps `keep` older copies: path.bak is the newest, then path.bak.1 ... path.bak.<keep-1>.
// Copies the current file to path.bak (atomically) after shifting the older ones up by one.
// Does nothing when `path` does not exist.
void rotate_backups(const std::filesystem::path& path, int keep = 6);

// The backups of `path`, newest first, that exist.
std::vector<std::filesystem::path> backups_of(const std::filesystem::path& path, int keep = 6);

// The whole file as text; throws gaggle::Error(internal) when it exists but cannot be read.
std::string read_file_text(const std::filesystem::path& path);

} // namespace gaggle
