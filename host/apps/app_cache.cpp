#include "apps/app_cache.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"
#include "http/auth.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace gaggle {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_cached_files = 2000;
constexpr std::uintmax_t max_app_bytes = 16 * 1024 * 1024;

std::string hex(const KeyHash& h)
{
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : h) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// Server names become part of a file name: anything but [A-Za-z0-9_-] is dropped (the hash keeps
// the key unique).
std::string file_safe(const std::string& s)
{
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') out += c;
    return out.substr(0, 64);
}

} // namespace

AppCache::AppCache(const fs::path& config_dir, const std::string& owner) : dir_(config_dir / "mcp-apps-cache")
{
    if (owner != default_user_id) dir_ /= "users/" + hex(sha256(owner)).substr(0, 32);
}

std::vector<Json> AppCache::list() const
{
    std::vector<Json> apps;
    std::error_code ec;
    fs::directory_iterator it(dir_, ec), end;
    for (std::size_t seen = 0; !ec && it != end && seen < max_cached_files; it.increment(ec), ++seen) {
        const fs::path p = it->path();
        if (p.extension() != ".json" || !it->is_regular_file(ec) || fs::file_size(p, ec) > max_app_bytes) continue;
        std::ifstream in(p, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        try {
            Json app = parse_untrusted_json(text.str(), p.filename().string());
            if (app.is_object() && app.contains("name") && app["name"].is_string() && app.contains("uri") && app["uri"].is_string())
                apps.push_back(std::move(app));
        } catch (const Error&) {
            // a damaged file is not an app
        }
    }
    std::sort(apps.begin(), apps.end(), [](const Json& a, const Json& b) {
        return std::make_pair(a["name"].get<std::string>(), a["uri"].get<std::string>()) <
               std::make_pair(b["name"].get<std::string>(), b["uri"].get<std::string>());
    });
    return apps;
}

void AppCache::store(const Json& app) const
{
    std::error_code ec;
    fs::create_directories(dir_, ec);
    std::vector<std::string> servers;
    if (app.contains("mcpServers") && app["mcpServers"].is_array())
        for (const auto& s : app["mcpServers"])
            if (s.is_string()) servers.push_back(s.get<std::string>());
    if (servers.empty()) servers.push_back("apps");
    const std::string uri = app.value("uri", std::string());
    for (const auto& server : servers) {
        const fs::path target = dir_ / (file_safe(server) + "_" + hex(sha256(server + "::" + uri)) + ".json");
        const fs::path temp = target.string() + ".tmp";
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out << app.dump(2);
            if (!out) throw Error(ErrorKind::unavailable, "cannot write the app cache in " + dir_.string());
        }
        fs::rename(temp, target, ec); // atomic: a reader sees the old app or the new one
        if (ec) throw Error(ErrorKind::unavailable, "cannot write the app cache in " + dir_.string() + ": " + ec.message());
    }
}

std::optional<Json> AppCache::find_by_name(const std::string& name) const
{
    for (auto& app : list())
        if (app["name"] == name) return app;
    return std::nullopt;
}

} // namespace gaggle
