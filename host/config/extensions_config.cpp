#include "config/extensions_config.hpp"

#include "common/error.hpp"
#include "config/yaml_json.hpp"
#include "mcp/extension_config.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace gaggle {
namespace {

std::mutex write_mutex; // one writer of config.yaml extensions at a time in this process

YAML::Node load(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return YAML::Node(YAML::NodeType::Map);
    try {
        YAML::Node doc = YAML::LoadFile(file.string());
        if (doc.IsNull()) return YAML::Node(YAML::NodeType::Map);
        if (!doc.IsMap()) throw unprocessable(file.string() + " is not a YAML map");
        return doc;
    } catch (const YAML::Exception& e) {
        throw unprocessable(file.string() + " is not valid YAML: " + e.what());
    }
}

YAML::Node to_yaml(const Json& j)
{
    if (j.is_object()) {
        YAML::Node n(YAML::NodeType::Map);
        for (auto& [k, v] : j.items()) n[k] = to_yaml(v);
        return n;
    }
    if (j.is_array()) {
        YAML::Node n(YAML::NodeType::Sequence);
        for (auto& v : j) n.push_back(to_yaml(v));
        return n;
    }
    if (j.is_string()) return YAML::Node(j.get<std::string>());
    if (j.is_boolean()) return YAML::Node(j.get<bool>());
    if (j.is_number_integer()) return YAML::Node(j.get<std::int64_t>());
    if (j.is_number()) return YAML::Node(j.get<double>());
    return YAML::Node(YAML::NodeType::Null);
}

void write_atomically(const std::filesystem::path& file, const YAML::Node& doc)
{
    YAML::Emitter out;
    out << doc;
    std::string text = out.c_str();
    text += '\n';
    std::filesystem::create_directories(file.parent_path());
    const std::string tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw internal_error("cannot write " + tmp);
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            throw internal_error("cannot write " + tmp);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw internal_error("cannot flush " + tmp);
    }
    std::filesystem::rename(tmp, file);
    if (const int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir); // the rename itself survives a power loss
        ::close(dir);
    }
}

} // namespace

Json ExtensionsConfig::entries() const
{
    Json list = Json::array();
    Json warnings = Json::array();
    const YAML::Node doc = load(file_);
    const YAML::Node map = doc["extensions"];
    if (map && map.IsMap())
        for (const auto& kv : map) {
            const std::string key = kv.first.as<std::string>();
            Json entry = yaml_to_json(kv.second);
            if (!entry.is_object()) {
                warnings.push_back("extension '" + key + "' in config.yaml is not a map and was skipped");
                continue;
            }
            if (!entry.contains("name")) entry["name"] = key;
            if (!entry.contains("enabled") || !entry["enabled"].is_boolean()) entry["enabled"] = false;
            try {
                Json config = entry;
                config.erase("enabled");
                mcp::parse_extension_config(config, "extensions." + key);
            } catch (const Error& e) {
                warnings.push_back(e.what());
            }
            list.push_back(std::move(entry));
        }
    return Json{{"extensions", list}, {"warnings", warnings}};
}

Json ExtensionsConfig::enabled() const
{
    Json out = Json::array();
    Json all = entries();
    for (auto& e : all["extensions"]) {
        if (!e.value("enabled", false)) continue;
        e.erase("enabled");
        out.push_back(e);
    }
    return out;
}

void ExtensionsConfig::upsert(const std::string& name, const Json& config, bool enabled)
{
    std::lock_guard lock(write_mutex);
    YAML::Node doc = load(file_);
    Json entry = config;
    entry["enabled"] = enabled;
    if (!doc["extensions"] || !doc["extensions"].IsMap()) doc["extensions"] = YAML::Node(YAML::NodeType::Map);
    doc["extensions"][mcp::extension_key(name)] = to_yaml(entry);
    write_atomically(file_, doc);
}

bool ExtensionsConfig::remove(const std::string& name)
{
    std::lock_guard lock(write_mutex);
    YAML::Node doc = load(file_);
    YAML::Node map = doc["extensions"];
    const std::string key = mcp::extension_key(name);
    if (!map || !map.IsMap() || !map[key]) return false;
    map.remove(key);
    write_atomically(file_, doc);
    return true;
}

} // namespace gaggle
