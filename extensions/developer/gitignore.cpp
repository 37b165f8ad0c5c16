#include "developer/gitignore.hpp"

#include <cstdint>

namespace gaggle::developer {
namespace {

constexpr std::size_t max_pattern = 1024; // longer lines are not patterns anyone wrote by hand
constexpr std::size_t max_text = 4096;    // PATH_MAX

// Memoised match of pattern[pi..] against text[ti..]: O(P*T) whatever the stars.
class Matcher {
public:
    Matcher(std::string_view p, std::string_view t) : p_(p), t_(t), memo_((p.size() + 1) * (t.size() + 1), -1) {}
    bool at(std::size_t pi, std::size_t ti)
    {
        auto& slot = memo_[pi * (t_.size() + 1) + ti];
        if (slot < 0) slot = compute(pi, ti) ? 1 : 0;
        return slot == 1;
    }

private:
    bool compute(std::size_t pi, std::size_t ti)
    {
        if (pi == p_.size()) return ti == t_.size();
        const char c = p_[pi];
        if (c == '*') {
            if (pi + 1 < p_.size() && p_[pi + 1] == '*') {
                const std::size_t after = pi + 2;
                if (after < p_.size() && p_[after] == '/') {
                    if (at(after + 1, ti)) return true; // no directory at all
                    for (std::size_t k = ti; k < t_.size(); ++k)
                        if (t_[k] == '/' && at(after + 1, k + 1)) return true;
                    return false;
                }
                for (std::size_t k = ti; k <= t_.size(); ++k)
                    if (at(after, k)) return true;
                return false;
            }
            for (std::size_t k = ti; k <= t_.size(); ++k) {
                if (at(pi + 1, k)) return true;
                if (k < t_.size() && t_[k] == '/') break;
            }
            return false;
        }
        if (ti == t_.size()) return false;
        if (c == '?') return t_[ti] != '/' && at(pi + 1, ti + 1);
        if (c == '[') {
            std::size_t i = pi + 1;
            bool negate = false;
            if (i < p_.size() && (p_[i] == '!' || p_[i] == '^')) negate = true, ++i;
            bool matched = false;
            const std::size_t first = i;
            for (; i < p_.size() && (p_[i] != ']' || i == first); ++i) {
                if (i + 2 < p_.size() && p_[i + 1] == '-' && p_[i + 2] != ']') {
                    matched = matched || (t_[ti] >= p_[i] && t_[ti] <= p_[i + 2]);
                    i += 2;
                } else matched = matched || t_[ti] == p_[i];
            }
            if (i >= p_.size()) return t_[ti] == '[' && at(pi + 1, ti + 1); // no closing bracket: a literal '['
            return t_[ti] != '/' && matched != negate && at(i + 1, ti + 1);
        }
        if (c == '\\' && pi + 1 < p_.size()) return t_[ti] == p_[pi + 1] && at(pi + 2, ti + 1);
        return t_[ti] == c && at(pi + 1, ti + 1);
    }

    std::string_view p_, t_;
    std::vector<std::int8_t> memo_;
};

} // namespace

bool glob_match(std::string_view pattern, std::string_view text)
{
    if (pattern.size() > max_pattern || text.size() > max_text) return false;
    return Matcher(pattern, text).at(0, 0);
}

IgnoreRules IgnoreRules::parse(std::string_view text)
{
    IgnoreRules rules;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string line(text.substr(start, end - start));
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        // Trailing spaces are dropped unless escaped with a backslash.
        while (!line.empty() && line.back() == ' ' && !(line.size() >= 2 && line[line.size() - 2] == '\\')) line.pop_back();
        if (line.empty() || line[0] == '#' || line.size() > max_pattern) continue;
        Rule r;
        if (line[0] == '!') r.negate = true, line.erase(0, 1);
        else if (line[0] == '\\' && line.size() > 1 && (line[1] == '#' || line[1] == '!')) line.erase(0, 1);
        if (!line.empty() && line.back() == '/') r.dir_only = true, line.pop_back();
        if (line.empty()) continue;
        r.anchored = line.find('/') != std::string::npos;
        if (line[0] == '/') line.erase(0, 1);
        r.pattern = std::move(line);
        rules.rules_.push_back(std::move(r));
        if (end == text.size()) break;
    }
    return rules;
}

std::optional<bool> IgnoreRules::match(std::string_view relative_path, bool is_dir) const
{
    const auto slash = relative_path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
    std::optional<bool> verdict;
    for (const auto& r : rules_) {
        if (r.dir_only && !is_dir) continue;
        if (glob_match(r.pattern, r.anchored ? relative_path : name)) verdict = !r.negate;
    }
    return verdict;
}

} // namespace gaggle::developer
