#include "agent/permissions.hpp"

#include "config/atomic_file.hpp"
#include "http/auth.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <cctype>

namespace gaggle {
namespace {

// A user id as a file name: anything outside [A-Za-z0-9_-] becomes %XX, so ids cannot escape
// the directory or collide.
std::string file_name_for(const std::string& user)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : user) {
        if (std::isalnum(c) || c == '_' || c == '-') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out + ".yaml";
}

} // namespace

std::optional<std::string> normalise_mode(const std::string& mode)
{
    for (const char* m : {"auto", "approve", "smart_approve", "chat"})
        if (mode == m) return mode;
    return std::nullopt;
}

std::optional<PermissionLevel> parse_permission_level(const std::string& text)
{
    if (text == "always_allow") return PermissionLevel::always_allow;
    if (text == "ask_before") return PermissionLevel::ask_before;
    if (text == "never_allow") return PermissionLevel::never_allow;
    return std::nullopt;
}

PermissionStore::PermissionStore(std::filesystem::path file) : file_(std::move(file)) {}

std::filesystem::path PermissionStore::file_for(const std::string& user) const
{
    if (user.empty() || user == default_user_id) return file_;
    return file_.parent_path() / "permissions" / file_name_for(user);
}

PermissionStore::Rules& PermissionStore::rules_locked(const std::string& user) const
{
    if (auto it = users_.find(user); it != users_.end()) return it->second;
    Rules& rules = users_[user];
    const auto file = file_for(user);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return rules;
    try {
        YAML::Node root = YAML::LoadFile(file.string());
        YAML::Node section = root["user"];
        auto read = [&](const char* key, std::set<std::string>& into) {
            if (section && section[key] && section[key].IsSequence())
                for (const auto& n : section[key])
                    if (n.IsScalar()) into.insert(n.as<std::string>());
        };
        read("always_allow", rules.always_allow);
        read("ask_before", rules.ask_before);
        read("never_allow", rules.never_allow);
    } catch (const YAML::Exception& e) {
        spdlog::error("{}: {} (no per-tool permissions in effect; the file was left as it is)", file.string(), e.what());
    }
    return rules;
}

void PermissionStore::save_locked(const std::string& user, const Rules& rules) const
{
    const auto file = file_for(user);
    YAML::Node root;
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        try {
            root = YAML::LoadFile(file.string()); // keep sections we do not manage (smart_approve)
        } catch (const YAML::Exception&) {
            root = YAML::Node();
        }
    }
    if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
    YAML::Node section(YAML::NodeType::Map);
    auto write = [&](const char* key, const std::set<std::string>& from) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (auto& t : from) seq.push_back(t);
        section[key] = seq;
    };
    write("always_allow", rules.always_allow);
    write("ask_before", rules.ask_before);
    write("never_allow", rules.never_allow);
    root["user"] = section;
    write_file_atomic(file, YAML::Dump(root) + "\n");
}

std::optional<PermissionLevel> PermissionStore::rule_for(const std::string& user, const std::string& tool) const
{
    std::lock_guard lock(mutex_);
    const Rules& r = rules_locked(user);
    if (r.never_allow.count(tool)) return PermissionLevel::never_allow;
    if (r.ask_before.count(tool)) return PermissionLevel::ask_before;
    if (r.always_allow.count(tool)) return PermissionLevel::always_allow;
    return std::nullopt;
}

void PermissionStore::set_rule(const std::string& user, const std::string& tool, PermissionLevel level)
{
    std::lock_guard lock(mutex_);
    Rules next = rules_locked(user);
    next.always_allow.erase(tool);
    next.ask_before.erase(tool);
    next.never_allow.erase(tool);
    (level == PermissionLevel::always_allow ? next.always_allow : level == PermissionLevel::ask_before ? next.ask_before : next.never_allow)
        .insert(tool);
    save_locked(user, next); // the rule takes effect only once it is on disk
    users_[user] = std::move(next);
}

PermissionDecision PermissionStore::decide(const std::string& user, const std::string& mode, const std::string& tool,
                                           bool read_only) const
{
    if (mode == "auto") return PermissionDecision::allow;
    if (auto rule = rule_for(user, tool)) {
        if (*rule == PermissionLevel::always_allow) return PermissionDecision::allow;
        if (*rule == PermissionLevel::never_allow) return PermissionDecision::deny;
        return PermissionDecision::ask;
    }
    if (mode == "smart_approve" && read_only) return PermissionDecision::allow;
    return PermissionDecision::ask;
}

} // namespace gaggle
