#include "mcp/allowlist.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <sstream>

namespace gaggle::mcp {
namespace {

std::vector<std::string> words(const std::string& line)
{
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool same_program(const std::string& listed, const std::string& given)
{
    if (listed == given) return true;
    // "node" in the list matches "/usr/bin/node" given, and the reverse: both name one program.
    return std::filesystem::path(listed).filename() == std::filesystem::path(given).filename() &&
           (listed.find('/') == std::string::npos || given.find('/') == std::string::npos);
}

bool matches(const std::vector<std::string>& listed, const std::vector<std::string>& given)
{
    if (listed.empty() || listed.size() != given.size()) return false;
    if (!same_program(listed[0], given[0])) return false;
    for (size_t i = 1; i < listed.size(); ++i)
        if (listed[i] != given[i]) return false;
    return true;
}

} // namespace

std::optional<std::string> allowlist_refusal(const std::optional<std::string>& allowlist, const std::string& cmd,
                                             const std::vector<std::string>& args)
{
    if (!allowlist || allowlist->empty()) return std::nullopt;
    std::vector<std::string> given = words(cmd);
    for (auto& a : args) given.push_back(a);
    std::string line;
    for (auto& w : given) line += (line.empty() ? "" : " ") + w;
    if (allowlist->rfind("http://", 0) == 0 || allowlist->rfind("https://", 0) == 0)
        return "GOOSE_ALLOWLIST is a URL, which this build cannot fetch; refusing '" + line + "'";
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(*allowlist);
    } catch (const std::exception& e) {
        return "the extension allowlist " + *allowlist + " cannot be read (" + e.what() + "); refusing '" + line + "'";
    }
    const YAML::Node list = doc["extensions"];
    if (list && list.IsSequence())
        for (const auto& entry : list) {
            if (!entry.IsMap() || !entry["command"] || !entry["command"].IsScalar()) continue;
            if (matches(words(entry["command"].as<std::string>()), given)) return std::nullopt;
        }
    return "the command '" + line + "' is not in the extension allowlist (GOOSE_ALLOWLIST)";
}

} // namespace gaggle::mcp
