#pragma once
// Whether a tool call may run: the session's mode (auto, approve, smart_approve, chat) and the
// user's per-tool rules in permission.yaml ({user: {always_allow, ask_before, never_allow}}, tool
// names `extension__tool`), which "always allow"/"always deny" answers update.
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace gaggle {

enum class PermissionDecision { allow, ask, deny };
enum class PermissionLevel { always_allow, ask_before, never_allow };

// Parses a mode name; nullopt for anything else.
std::optional<std::string> normalise_mode(const std::string& mode);

class PermissionStore {
public:
    explicit PermissionStore(std::filesystem::path file);

    std::optional<PermissionLevel> rule_for(const std::string& tool) const;
    // Records a rule and rewrites the file atomically (temp file + rename).
    void set_rule(const std::string& tool, PermissionLevel level);
    // The decision for a tool in `mode` (not "chat": chat mode never runs tools at all).
    PermissionDecision decide(const std::string& mode, const std::string& tool, bool read_only) const;

private:
    void load();
    void save() const;

    std::filesystem::path file_;
    mutable std::mutex mutex_;
    std::set<std::string> always_allow_, ask_before_, never_allow_;
};

} // namespace gaggle
