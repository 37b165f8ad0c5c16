#include "config/atomic_file.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gaggle {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int err)
{
    throw internal_error("cannot " + what + " " + path.string() + ": " + std::strerror(err));
}

void fsync_directory(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return; // some file systems refuse; the rename itself already happened
    ::fsync(fd);
    ::close(fd);
}

std::filesystem::path backup_path(const std::filesystem::path& path, int index)
{
    return index == 0 ? std::filesystem::path(path.string() + ".bak")
                      : std::filesystem::path(path.string() + ".bak." + std::to_string(index));
}

} // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode)
{
    const auto dir = path.parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // A unique temp name per writer, so two processes writing at once never share a temp file.
    std::string tmpl = path.string() + ".tmp.XXXXXX";
    const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) fail("create a temporary file for", path, errno);
    const std::filesystem::path tmp(tmpl);
    auto abandon = [&](const char* what) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail(what, path, err);
    };
    if (::fchmod(fd, mode) != 0) abandon("set the mode of");
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) abandon("write");
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) abandon("fsync");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("close", path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("replace", path, err);
    }
    fsync_directory(dir);
}

std::string read_file_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(path)) return {};
        fail("read", path, errno);
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void rotate_backups(const std::filesystem::path& path, int keep)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || keep <= 0) return;
    for (int i = keep - 1; i > 0; --i) {
        const auto from = backup_path(path, i - 1);
        if (std::filesystem::exists(from, ec)) std::filesystem::rename(from, backup_path(path, i), ec);
    }
    write_file_atomic(backup_path(path, 0), read_file_text(path));
}

std::vector<std::filesystem::path> backups_of(const std::filesystem::path& path, int keep)
{
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (int i = 0; i < keep; ++i)
        if (std::filesystem::is_regular_file(backup_path(path, i), ec)) out.push_back(backup_path(path, i));
    return out;
}

} // namespace gaggle
