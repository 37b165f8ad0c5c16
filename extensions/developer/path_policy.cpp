#include "developer/path_policy.hpp"

namespace gaggle::developer {

namespace fs = std::filesystem;

namespace {
fs::path canonical_as_far_as_exists(const fs::path& p)
{
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}
} // namespace

bool is_within(const fs::path& path, const fs::path& base)
{
    auto b = base.begin(), p = path.begin();
    for (; b != base.end(); ++b, ++p) {
        if (b->empty()) continue; // a trailing separator
        if (p == path.end() || *p != *b) return false;
    }
    return true;
}

PathPolicy::PathPolicy(fs::path working_dir, std::vector<fs::path> roots) : working_dir_(std::move(working_dir))
{
    for (auto& r : roots) roots_.push_back(canonical_as_far_as_exists(r));
}

std::variant<fs::path, std::string> PathPolicy::resolve(const std::string& raw, const std::string& argument) const
{
    if (raw.empty()) return "argument '" + argument + "' is empty";
    if (raw.find('\0') != std::string::npos) return "argument '" + argument + "' contains a NUL byte";
    fs::path p(raw);
    if (raw == "~" || raw.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (home) p = fs::path(home) / raw.substr(raw.size() > 1 ? 2 : 1);
    }
    if (p.is_relative()) p = working_dir_ / p;
    p = canonical_as_far_as_exists(p);
    if (roots_.empty()) return p;
    for (const auto& root : roots_)
        if (is_within(p, root)) return p;
    std::string list;
    for (const auto& root : roots_) list += (list.empty() ? "" : ", ") + root.string();
    return "argument '" + argument + "': " + p.string() + " is outside the allowed roots (" + list + ")";
}

} // namespace gaggle::developer
