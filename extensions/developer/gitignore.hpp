#pragma once
// The part of .gitignore the tree tool honours: blank lines and comments, `!` negation, `\`
// escapes, trailing `/` for directories only, patterns anchored to their file's directory when
// they hold a `/`, and the globs `*`, `?`, `[...]` and `**`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle::developer {

// `*` and `?` stop at `/`; `**` crosses it; `**/` also matches no directory at all.
bool glob_match(std::string_view pattern, std::string_view text);

class IgnoreRules {
public:
    static IgnoreRules parse(std::string_view text);
    // For a path relative to this file's directory: true = ignored, false = re-included by a
    // negation, nullopt = no rule speaks of it. The last matching rule wins, as in git.
    std::optional<bool> match(std::string_view relative_path, bool is_dir) const;
    bool empty() const { return rules_.empty(); }

private:
    struct Rule {
        std::string pattern;
        bool negate = false, dir_only = false, anchored = false;
    };
    std::vector<Rule> rules_;
};

} // namespace gaggle::developer
