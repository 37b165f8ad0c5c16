#pragma once
// Whether a tool call may run: the session's mode (auto, approve, smart_approve, chat) and the
// calling user's per-tool rules (tool names `extension__tool`), which "always allow"/"always
// deny" answers and POST /config/permissions update.
//
// Rules are per user. The desktop's user ("default") keeps goose's file, permission.yaml
// ({user: {always_allow, ask_before, never_allow}}, other sections kept as they are), so goose
// and Gaggle share it; each other user of a multi-user deployment has permissions/<user>.yaml of
// the same shape, so one user's "always allow" never applies to another.
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace gaggle {

enum class PermissionDecision { allow, ask, deny };
enum class PermissionLevel { always_allow, ask_before, never_allow };

// Parses a mode name; nullopt for anything else.
std::optional<std::string> normalise_mode(const std::string& mode);
// Parses "always_allow" | "ask_before" | "never_allow".
std::optional<PermissionLevel> parse_permission_level(const std::string& text);

class PermissionStore {
public:
    // `file` is permission.yaml; other users' files go in permissions/ beside it.
    explicit PermissionStore(std::filesystem::path file);

    std::optional<PermissionLevel> rule_for(const std::string& user, const std::string& tool) const;
    // Records a rule and rewrites the user's file atomically (temp file, fsync, rename).
    void set_rule(const std::string& user, const std::string& tool, PermissionLevel level);
    // The decision for a tool in `mode` (not "chat": chat mode never runs tools at all).
    PermissionDecision decide(const std::string& user, const std::string& mode, const std::string& tool, bool read_only) const;
    // The file holding `user`'s rules.
    std::filesystem::path file_for(const std::string& user) const;

private:
    struct Rules {
        std::set<std::string> always_allow, ask_before, never_allow;
    };
    Rules& rules_locked(const std::string& user) const;
    void save_locked(const std::string& user, const Rules& rules) const;

    std::filesystem::path file_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, Rules> users_; // loaded on first use
};

} // namespace gaggle
