#include "launch_spec.hpp"

#include <gaggle/cpp/plugin.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

extern char** environ;

namespace gaggle::stdio {
namespace {

// a + sep + b, built by appending: GCC 12 at -O2 warns falsely (-Wrestrict) on operator+ chains.
std::string joined(const std::string& a, char sep, const std::string& b)
{
    std::string out;
    out.reserve(a.size() + 1 + b.size());
    out.append(a);
    out.push_back(sep);
    out.append(b);
    return out;
}

const char* const refused[] = {"PATH", "PATHEXT", "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONHOME",
                               "PYTHONSTARTUP", "PYTHONINSPECT", "PERL5LIB", "PERL5OPT", "RUBYLIB", "RUBYOPT",
                               "CLASSPATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "BASH_ENV",
                               "ENV", "SHELLOPTS", "PS4", "IFS", "GCONV_PATH", "MALLOC_CHECK_", "APPDATA"};

std::string upper(const std::string& s)
{
    std::string u;
    for (unsigned char c : s) u += static_cast<char>(std::toupper(c));
    return u;
}

// The host's own credentials are not the child's business: a server that needs a key names it
// in env_keys.
bool private_to_host(const std::string& name)
{
    const std::string u = upper(name);
    for (const char* word : {"SECRET", "API_KEY", "TOKEN", "PASSWORD"})
        if (u.find(word) != std::string::npos) return true;
    return false;
}

bool executable(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string resolve_program(const std::string& cmd)
{
    if (cmd.find('/') != std::string::npos) {
        if (!executable(cmd)) throw sdk::Error(GAGGLE_ERR_NOT_FOUND, "command not found or not executable: " + cmd);
        return cmd;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (dir.empty()) dir.push_back('.'); // an empty PATH entry is the current folder
        const std::string candidate = joined(dir, '/', cmd);
        if (executable(candidate)) return candidate;
        start = end + 1;
    }
    throw sdk::Error(GAGGLE_ERR_NOT_FOUND, "command not found: " + cmd + " (searched PATH)");
}

void check_name(const std::string& name)
{
    if (name.empty() || name.find('=') != std::string::npos)
        throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "invalid environment variable name '" + name + "'");
    if (dangerous_env_name(name))
        throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "envs may not set " + name + ": it could change which program runs");
}

} // namespace

bool dangerous_env_name(const std::string& name)
{
    const std::string u = upper(name);
    if (u.rfind("LD_", 0) == 0 || u.rfind("DYLD_", 0) == 0) return true;
    return std::any_of(std::begin(refused), std::end(refused), [&](const char* r) { return u == r; });
}

LaunchSpec make_launch_spec(std::string_view config_json, std::string_view working_dir,
                            const std::vector<std::pair<std::string_view, std::string_view>>& extra_env, bool have_context)
{
    const nlohmann::json config = nlohmann::json::parse(config_json, nullptr, false);
    if (!config.is_object()) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "the extension config must be a JSON object");
    auto cmd = config.find("cmd");
    if (cmd == config.end() || !cmd->is_string() || cmd->get<std::string>().empty())
        throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "field `cmd` must be a non-empty string");
    LaunchSpec spec;
    spec.program = resolve_program(cmd->get<std::string>());
    spec.argv.push_back(cmd->get<std::string>());
    if (auto args = config.find("args"); args != config.end() && !args->is_null()) {
        if (!args->is_array()) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "field `args` must be an array of strings");
        for (auto& a : *args) {
            if (!a.is_string()) throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "field `args` must be an array of strings");
            spec.argv.push_back(a.get<std::string>());
        }
    }

    std::vector<std::pair<std::string, std::string>> extra;
    if (have_context) {
        for (auto& [k, v] : extra_env) extra.emplace_back(std::string(k), std::string(v));
    } else if (auto envs = config.find("envs"); envs != config.end() && envs->is_object()) {
        for (auto& [k, v] : envs->items())
            if (v.is_string()) extra.emplace_back(k, v.get<std::string>());
    }
    for (auto& [k, v] : extra) check_name(k);

    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (private_to_host(name)) continue;
        if (std::any_of(extra.begin(), extra.end(), [&](auto& kv) { return kv.first == name; })) continue;
        spec.env.push_back(entry);
    }
    for (auto& [k, v] : extra) spec.env.push_back(joined(k, '=', v));

    spec.working_dir = std::string(working_dir);
    if (!spec.working_dir.empty()) {
        struct stat st {};
        if (::stat(spec.working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, "the working folder does not exist: " + spec.working_dir);
    }
    return spec;
}

} // namespace gaggle::stdio
