#pragma once
// The on-disk cache of apps (config dir `mcp-apps-cache/`, as upstream keeps it): apps imported
// as HTML, and the MCP Apps of sessions' extensions as last seen, so the desktop can list and
// open them without a session. One JSON file per (MCP server, resource uri): a file name made of
// the server's name and a SHA-256 of both. Each user of a multi-user server has a folder of
// their own; the desktop's user has upstream's.
#include "common/json.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

class AppCache {
public:
    AppCache(const std::filesystem::path& config_dir, const std::string& owner);

    // Every cached app, sorted by name then uri; unreadable files are skipped.
    std::vector<Json> list() const;
    // Writes the app once for each of its mcpServers (at least once, as "apps"). Throws
    // unavailable when the folder cannot be written.
    void store(const Json& app) const;
    // The first cached app whose name is `name`.
    std::optional<Json> find_by_name(const std::string& name) const;

private:
    std::filesystem::path dir_;
};

} // namespace gaggle
