#include "config/server_settings.hpp"

#include "common/error.hpp"
#include "config/yaml_json.hpp"

#include <openssl/rand.h>

#include <charconv>
#include <sstream>

namespace gaggle {
namespace {

// First of: the flag, each environment name in order, the config.yaml key.
std::optional<std::string> pick(const Config& config, const std::optional<std::string>& flag,
                                std::initializer_list<const char*> env_names, const char* file_key)
{
    if (flag) return flag;
    for (const char* name : env_names)
        if (auto v = config.env()(name); v && !v->empty()) return v;
    const auto& file = config.file_values();
    if (auto it = file.find(file_key); it != file.end() && !it->is_null())
        return it->is_string() ? it->get<std::string>() : it->dump();
    return std::nullopt;
}

uint16_t parse_port(const std::string& text)
{
    unsigned value = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || p != text.data() + text.size() || value > 65535)
        throw invalid_argument("port must be a number from 0 to 65535, got '" + text + "'");
    return static_cast<uint16_t>(value);
}

std::vector<std::string> split_list(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

// Users come as a map of user id -> SHA-256 hex of their key, from config.yaml's GAGGLE_USERS or
// from the YAML file GAGGLE_USERS_FILE names.
void add_users(const Json& map, const std::string& source, ServerSettings& out)
{
    if (!map.is_object()) {
        out.warnings.push_back(source + ": users must be a map of user id to key SHA-256; ignored");
        return;
    }
    for (auto& [id, hash] : map.items()) {
        auto parsed = hash.is_string() ? parse_key_hash(hash.get<std::string>()) : std::nullopt;
        if (id.empty() || id == default_user_id || !parsed) {
            out.warnings.push_back(source + ": user '" + id + "' needs a 64-hex-digit key SHA-256 (and not the id 'default'); ignored");
            continue;
        }
        out.users.push_back(UserKey{id, *parsed});
    }
}

} // namespace

std::string random_secret()
{
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw internal_error("no randomness available for a secret");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

ServerSettings resolve_server_settings(const Config& config, const CommandLineOverrides& flags)
{
    ServerSettings s;
    if (auto host = pick(config, flags.host, {"GOOSE_HOST", "GOOSE_API_HOST"}, "GOOSE_HOST")) s.host = *host;
    if (auto port = pick(config, flags.port, {"GOOSE_PORT", "GOOSE_API_PORT"}, "GOOSE_PORT")) s.port = parse_port(*port);
    auto secret = pick(config, std::nullopt, {"GOOSE_SERVER__SECRET_KEY", "GOOSE_API_KEY"}, "GOOSE_SERVER__SECRET_KEY");
    if (secret && secret->find_first_not_of(" \t\r\n") != std::string::npos) {
        s.secret = *secret;
    } else {
        s.secret = random_secret();
        s.secret_generated = true;
    }
    if (auto origins = pick(config, std::nullopt, {"GAGGLE_CORS_ORIGINS"}, "GAGGLE_CORS_ORIGINS"))
        s.cors_origins = split_list(*origins);

    const Json file = config.file_values();
    if (auto it = file.find("GAGGLE_USERS"); it != file.end()) add_users(*it, "config.yaml GAGGLE_USERS", s);
    if (auto file = pick(config, std::nullopt, {"GAGGLE_USERS_FILE"}, "GAGGLE_USERS_FILE")) {
        ConfigLoadReport report;
        Json users = read_yaml_map(*file, report);
        if (!report.present) s.warnings.push_back("users file " + *file + " does not exist");
        else if (!report.error.empty())
            s.warnings.push_back("users file " + *file + " line " + std::to_string(report.line) + ": " + report.error);
        else add_users(users, *file, s);
    }
    return s;
}

} // namespace gaggle
