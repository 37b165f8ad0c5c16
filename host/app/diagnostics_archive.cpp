#include "app/diagnostics_archive.hpp"

#include "app/system_info.hpp"
#include "store/session_json.hpp"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gaggle {
namespace {

constexpr std::uintmax_t max_log_bytes = 2 * 1024 * 1024;
constexpr int max_redaction_depth = 32;
const char* const redacted = "[redacted]";

bool names_a_credential(std::string key)
{
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const char* word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "AUTH", "CREDENTIAL", "COOKIE"})
        if (key.find(word) != std::string::npos) return true;
    return false;
}

Json redact(const Json& value, int depth)
{
    if (depth > max_redaction_depth) return redacted;
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto& v : value) out.push_back(redact(v, depth + 1));
        return out;
    }
    if (!value.is_object()) return value;
    Json out = Json::object();
    for (const auto& [key, v] : value.items()) {
        // An extension's environment and HTTP headers carry its credentials under any name.
        if (names_a_credential(key) || key == "envs" || key == "headers") {
            if (v.is_object()) {
                Json hidden = Json::object();
                for (const auto& [name, ignored] : v.items()) hidden[name] = redacted;
                out[key] = hidden;
            } else {
                out[key] = redacted;
            }
            continue;
        }
        out[key] = redact(v, depth + 1);
    }
    return out;
}

// The last `max_log_bytes` of a file (a log line cut at the start is better than none).
std::string tail_of(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff start = size > static_cast<std::streamoff>(max_log_bytes) ? size - static_cast<std::streamoff>(max_log_bytes) : 0;
    in.seekg(start);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void add(Poco::Zip::Compress& zip, const std::string& name, const std::string& content)
{
    std::istringstream in(content);
    zip.addFile(in, Poco::DateTime(), Poco::Path(name, Poco::Path::PATH_UNIX), Poco::Zip::ZipCommon::CM_DEFLATE,
                Poco::Zip::ZipCommon::CL_NORMAL);
}

} // namespace

Json redacted_config(const Json& values) { return redact(values, 0); }

std::string diagnostics_zip(const AppContext& app, const std::string& owner, const std::string& session_id, bool with_logs)
{
    const LoadedSession session = app.sessions.load_session(owner, session_id); // not_found first
    std::ostringstream bytes(std::ios::binary);
    Poco::Zip::Compress zip(bytes, true);
    add(zip, "session.json", session_to_json_text(session.info, session.conversation));
    add(zip, "system.json", system_info(app).dump(2));
    add(zip, "config.json", redacted_config(app.config.file_values()).dump(2));
    std::error_code ec;
    std::vector<std::filesystem::path> logs;
    if (with_logs) {
        spdlog::default_logger()->flush(); // the file sink writes through only from warnings up
        for (const auto& entry : std::filesystem::directory_iterator(app.config.paths().log_dir(), ec))
            if (entry.is_regular_file(ec)) logs.push_back(entry.path());
    }
    std::sort(logs.begin(), logs.end());
    for (const auto& log : logs) add(zip, "logs/" + log.filename().string(), tail_of(log));
    zip.close();
    return bytes.str();
}

} // namespace gaggle
