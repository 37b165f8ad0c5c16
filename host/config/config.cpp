#include "config/config.hpp"

#include "config/yaml_json.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace gaggle {
namespace {

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

Json env_value(const std::string& text)
{
    // OPENAI_HOST=http://x stays a string; GOOSE_MAX_TURNS=5 becomes 5, like upstream's config.
    try {
        Json parsed = Json::parse(text);
        if (!parsed.is_string() && !parsed.is_null()) return parsed;
    } catch (const Json::exception&) { // not JSON, or a number out of range (1e400)
    }
    return text;
}

std::string as_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

} // namespace

Json read_yaml_map(const std::string& path, ConfigLoadReport& report)
{
    report.path = path;
    std::error_code ec;
    report.present = std::filesystem::exists(path, ec);
    if (!report.present) return Json::object();
    try {
        const YAML::Node root = YAML::LoadFile(path);
        if (root.IsNull()) return Json::object();
        if (!root.IsMap()) {
            report.error = "the top level must be a map of keys to values";
            report.line = root.Mark().line >= 0 ? root.Mark().line + 1 : 0;
            return Json::object();
        }
        return yaml_to_json(root);
    } catch (const YAML::ParserException& e) {
        report.error = e.msg;
        report.line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    } catch (const YAML::Exception& e) {
        report.error = e.what();
    }
    return Json::object();
}

Config Config::load(const Paths& paths, EnvLookup env, const std::optional<std::string>& config_file)
{
    Config c;
    c.paths_ = paths;
    c.env_ = std::move(env);
    c.values_ = read_yaml_map(config_file ? *config_file : paths.config_file().string(), c.report_);
    ConfigLoadReport secrets_report;
    c.secrets_ = read_yaml_map(paths.secrets_file().string(), secrets_report);
    return c;
}

std::optional<Json> Config::get(const std::string& key) const
{
    if (env_)
        if (auto v = env_(upper(key))) return env_value(*v);
    if (auto it = values_.find(key); it != values_.end() && !it->is_null()) return *it;
    return std::nullopt;
}

std::optional<std::string> Config::get_string(const std::string& key) const
{
    auto v = get(key);
    if (!v) return std::nullopt;
    return as_text(*v);
}

std::optional<std::string> Config::get_secret(const std::string& key) const
{
    if (env_)
        if (auto v = env_(upper(key))) return v;
    if (auto it = secrets_.find(key); it != secrets_.end() && !it->is_null()) return as_text(*it);
    return std::nullopt;
}

std::string Config::get_string_or(const std::string& key, const std::string& fallback) const
{
    return get_string(key).value_or(fallback);
}

} // namespace gaggle
