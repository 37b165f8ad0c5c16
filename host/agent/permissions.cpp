#include "agent/permissions.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

namespace gaggle {

std::optional<std::string> normalise_mode(const std::string& mode)
{
    for (const char* m : {"auto", "approve", "smart_approve", "chat"})
        if (mode == m) return mode;
    return std::nullopt;
}

PermissionStore::PermissionStore(std::filesystem::path file) : file_(std::move(file)) { load(); }

void PermissionStore::load()
{
    std::error_code ec;
    if (!std::filesystem::exists(file_, ec)) return;
    try {
        YAML::Node root = YAML::LoadFile(file_.string());
        YAML::Node user = root["user"];
        auto read = [&](const char* key, std::set<std::string>& into) {
            if (user && user[key] && user[key].IsSequence())
                for (const auto& n : user[key]) into.insert(n.as<std::string>());
        };
        read("always_allow", always_allow_);
        read("ask_before", ask_before_);
        read("never_allow", never_allow_);
    } catch (const YAML::Exception& e) {
        spdlog::error("{}: {} (no per-tool permissions in effect; the file was left as it is)", file_.string(), e.what());
    }
}

void PermissionStore::save() const
{
    YAML::Node root;
    if (std::filesystem::exists(file_)) {
        try {
            root = YAML::LoadFile(file_.string()); // keep sections we do not manage (smart_approve)
        } catch (const YAML::Exception&) {
            root = YAML::Node();
        }
    }
    YAML::Node user;
    auto write = [&](const char* key, const std::set<std::string>& from) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (auto& t : from) seq.push_back(t);
        user[key] = seq;
    };
    write("always_allow", always_allow_);
    write("ask_before", ask_before_);
    write("never_allow", never_allow_);
    root["user"] = user;
    std::filesystem::create_directories(file_.parent_path());
    const auto tmp = file_.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << YAML::Dump(root) << "\n";
    }
    std::filesystem::rename(tmp, file_);
}

std::optional<PermissionLevel> PermissionStore::rule_for(const std::string& tool) const
{
    std::lock_guard lock(mutex_);
    if (never_allow_.count(tool)) return PermissionLevel::never_allow;
    if (ask_before_.count(tool)) return PermissionLevel::ask_before;
    if (always_allow_.count(tool)) return PermissionLevel::always_allow;
    return std::nullopt;
}

void PermissionStore::set_rule(const std::string& tool, PermissionLevel level)
{
    std::lock_guard lock(mutex_);
    always_allow_.erase(tool);
    ask_before_.erase(tool);
    never_allow_.erase(tool);
    (level == PermissionLevel::always_allow ? always_allow_ : level == PermissionLevel::ask_before ? ask_before_ : never_allow_)
        .insert(tool);
    save();
}

PermissionDecision PermissionStore::decide(const std::string& mode, const std::string& tool, bool read_only) const
{
    if (mode == "auto") return PermissionDecision::allow;
    if (auto rule = rule_for(tool)) {
        if (*rule == PermissionLevel::always_allow) return PermissionDecision::allow;
        if (*rule == PermissionLevel::never_allow) return PermissionDecision::deny;
        return PermissionDecision::ask;
    }
    if (mode == "smart_approve" && read_only) return PermissionDecision::allow;
    return PermissionDecision::ask;
}

} // namespace gaggle
