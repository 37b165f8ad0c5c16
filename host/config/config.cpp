#include "config/config.hpp"

#include "common/error.hpp"
#include "config/atomic_file.hpp"
#include "config/secret_store.hpp"
#include "config/yaml_json.hpp"
#include "config/yaml_text_edit.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
    // Parsed without exceptions: most values are not JSON, and every turn reads several (a throw
    // costs more than the rest of the lookup).
    try {
        Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_discarded() && !parsed.is_string() && !parsed.is_null()) return parsed;
    } catch (const Json::exception&) { // kept as a backstop: the parser's other failures are text too
    }
    return text;
}

std::string as_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// What identifies one version of a file on disk: a rename by another process changes the inode,
// an in-place edit the size or mtime.
struct FileIdentity {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const FileIdentity& o) const
    {
        return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

FileIdentity identify(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return FileIdentity{true, st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

// Holds an exclusive flock on the config directory, so two Gaggle processes never interleave
// read-modify-write cycles of config.yaml or secrets.
class DirectoryLock {
public:
    explicit DirectoryLock(const std::filesystem::path& dir)
    {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~DirectoryLock()
    {
        if (fd_ >= 0) ::close(fd_); // closing releases the lock
    }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

std::string describe(const ConfigLoadReport& r)
{
    return r.path + (r.line ? " line " + std::to_string(r.line) : std::string()) + ": " + r.error;
}

} // namespace

struct Config::State {
    Paths paths;
    EnvLookup env;
    std::filesystem::path file;
    std::unique_ptr<SecretStore> secret_store;

    mutable std::shared_mutex mutex; // guards everything below
    mutable Json values = Json::object();
    mutable std::string text; // config.yaml as last read or written
    mutable FileIdentity identity;
    mutable ConfigLoadReport report;
    Json secrets = Json::object();
    std::mutex write_mutex; // one writer at a time in this process

    // Re-reads config.yaml; the caller holds `mutex` exclusively.
    void reload() const
    {
        identity = identify(file);
        report = ConfigLoadReport{};
        report.path = file.string();
        report.present = identity.exists;
        text = identity.exists ? read_file_text(file) : std::string();
        values = parse_yaml_map(text, report);
        report.path = file.string();
        report.present = identity.exists;
    }

    void refresh_if_changed() const
    {
        const FileIdentity now = identify(file);
        {
            std::shared_lock lock(mutex);
            if (now == identity) return;
        }
        std::unique_lock lock(mutex);
        if (!(identify(file) == identity)) reload();
    }
};

Json parse_yaml_map(const std::string& text, ConfigLoadReport& report)
{
    try {
        const YAML::Node root = YAML::Load(text);
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

Json read_yaml_map(const std::string& path, ConfigLoadReport& report)
{
    report.path = path;
    std::error_code ec;
    report.present = std::filesystem::exists(path, ec);
    if (!report.present) return Json::object();
    try {
        return parse_yaml_map(read_file_text(path), report);
    } catch (const Error& e) {
        report.error = e.what();
        return Json::object();
    }
}

Config::Config(std::unique_ptr<State> state) : s_(std::move(state)) {}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;
Config::~Config() = default;

Config Config::load(const Paths& paths, EnvLookup env, const std::optional<std::string>& config_file,
                    std::unique_ptr<SecretStore> secrets)
{
    auto s = std::make_unique<State>();
    s->paths = paths;
    s->env = std::move(env);
    s->file = config_file ? std::filesystem::path(*config_file) : paths.config_file();
    s->secret_store = secrets ? std::move(secrets) : file_secret_store(paths.secrets_file());
    s->reload();
    try {
        s->secrets = s->secret_store->load();
    } catch (const Error& e) {
        spdlog::error("secrets could not be read: {}", e.what());
    }
    return Config(std::move(s));
}

std::optional<Json> Config::get(const std::string& key) const
{
    if (s_->env)
        if (auto v = s_->env(upper(key))) return env_value(*v);
    s_->refresh_if_changed();
    std::shared_lock lock(s_->mutex);
    if (auto it = s_->values.find(key); it != s_->values.end() && !it->is_null()) return *it;
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
    if (s_->env)
        if (auto v = s_->env(upper(key))) return v;
    std::shared_lock lock(s_->mutex);
    if (auto it = s_->secrets.find(key); it != s_->secrets.end() && !it->is_null()) return as_text(*it);
    return std::nullopt;
}

std::string Config::get_string_or(const std::string& key, const std::string& fallback) const
{
    return get_string(key).value_or(fallback);
}

Json Config::file_values() const
{
    s_->refresh_if_changed();
    std::shared_lock lock(s_->mutex);
    return s_->values;
}

ConfigLoadReport Config::report() const
{
    s_->refresh_if_changed();
    std::shared_lock lock(s_->mutex);
    return s_->report;
}

const Paths& Config::paths() const noexcept { return s_->paths; }
const EnvLookup& Config::env() const noexcept { return s_->env; }
const std::filesystem::path& Config::file_path() const noexcept { return s_->file; }
std::string Config::secret_store_name() const { return s_->secret_store->name(); }

void Config::update(const std::function<void(Json& values)>& change)
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    std::unique_lock lock(s_->mutex);
    s_->reload(); // start from what is on disk now, whoever wrote it
    if (s_->report.present && !s_->report.error.empty())
        throw conflict(describe(s_->report) + " (fix the file or POST /config/recover; it was left as it is)");
    const Json before = s_->values;
    Json after = before;
    change(after);
    if (!after.is_object()) throw internal_error("config update produced a non-map");

    std::string text = s_->text;
    for (auto it = before.begin(); it != before.end(); ++it)
        if (!after.contains(it.key())) text = yaml_remove_top_level(text, it.key());
    for (auto it = after.begin(); it != after.end(); ++it)
        if (!before.contains(it.key()) || before[it.key()] != *it) text = yaml_set_top_level(text, it.key(), *it);
    ConfigLoadReport check;
    if (parse_yaml_map(text, check) != after || !check.error.empty()) {
        // The text edit could not express this change in this file (flow style, anchors, ...):
        // write the values out whole. Comments are lost; the values are not.
        spdlog::warn("{}: rewrote the whole file (its comments could not be kept)", s_->file.string());
        text = yaml_document(after);
    }
    if (text == s_->text && s_->report.present) return;
    rotate_backups(s_->file);
    write_file_atomic(s_->file, text);
    s_->text = std::move(text);
    s_->values = std::move(after);
    s_->identity = identify(s_->file);
    s_->report = ConfigLoadReport{s_->file.string(), true, "", 0};
}

void Config::set(const std::string& key, const Json& value)
{
    update([&](Json& values) { values[key] = value; });
}

bool Config::remove(const std::string& key)
{
    bool found = false;
    update([&](Json& values) { found = values.erase(key) > 0; });
    return found;
}

void Config::set_secret(const std::string& key, const Json& value)
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    Json secrets = s_->secret_store->load(); // fresh: another process may have added one
    secrets[key] = value;
    s_->secret_store->save(secrets);
    std::unique_lock lock(s_->mutex);
    s_->secrets = std::move(secrets);
}

bool Config::remove_secret(const std::string& key)
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    Json secrets = s_->secret_store->load();
    const bool found = secrets.erase(key) > 0;
    if (found) s_->secret_store->save(secrets);
    std::unique_lock lock(s_->mutex);
    s_->secrets = std::move(secrets);
    return found;
}

std::string Config::init_from(const std::optional<std::filesystem::path>& seed)
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    std::unique_lock lock(s_->mutex);
    if (identify(s_->file).exists) return "Config already exists";
    if (!seed) return "No init-config.yaml found, using default configuration";
    const std::string text = read_file_text(*seed);
    ConfigLoadReport check;
    parse_yaml_map(text, check);
    if (!check.error.empty()) throw internal_error(seed->string() + " does not parse: " + check.error);
    write_file_atomic(s_->file, text);
    s_->reload();
    return "Config initialized from " + seed->filename().string();
}

std::string Config::backup()
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    if (!identify(s_->file).exists) throw not_found(s_->file.string() + " does not exist: nothing to back up");
    rotate_backups(s_->file);
    return "Config backed up to " + s_->file.filename().string() + ".bak";
}

std::string Config::recover()
{
    std::lock_guard writer(s_->write_mutex);
    DirectoryLock cross_process(s_->file.parent_path());
    std::unique_lock lock(s_->mutex);
    s_->reload();
    if (!s_->report.present || s_->report.error.empty())
        return "Config is valid, no recovery needed (" + std::to_string(s_->values.size()) + " keys)";
    // Keep the broken file beside the others, so nothing the user wrote is lost.
    const std::filesystem::path broken = s_->file.string() + ".corrupted";
    write_file_atomic(broken, s_->text);
    for (const auto& b : backups_of(s_->file)) {
        const std::string text = read_file_text(b);
        ConfigLoadReport check;
        const Json values = parse_yaml_map(text, check);
        if (!check.error.empty()) continue;
        write_file_atomic(s_->file, text);
        s_->reload();
        spdlog::warn("{} did not parse; restored {} (the broken file is {})", s_->file.string(), b.string(), broken.string());
        return "Recovered config from " + b.filename().string() + " (" + std::to_string(values.size()) + " keys); the broken file was kept as " +
               broken.filename().string();
    }
    write_file_atomic(s_->file, "{}\n");
    s_->reload();
    return "No readable backup: started an empty config; the broken file was kept as " + broken.filename().string();
}

std::optional<std::string> Config::validate() const
{
    std::unique_lock lock(s_->mutex);
    s_->reload();
    if (!s_->report.present || s_->report.error.empty()) return std::nullopt;
    return describe(s_->report);
}

} // namespace gaggle
