#include "mcp/extension_config.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace gaggle::mcp {
namespace {

const std::array<const char*, 7> known_types{"stdio", "builtin", "platform", "streamable_http", "sse", "frontend", "inline_python"};

// Variables that make a process load or run other code than the command names.
const std::array<const char*, 34> dangerous_names{
    "PATH", "PATHEXT", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_DEBUG", "LD_PROFILE", "LD_BIND_NOW",
    "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "DYLD_FRAMEWORK_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
    "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "PERL5LIB",
    "PERL5OPT", "RUBYLIB", "RUBYOPT", "CLASSPATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
    "BASH_ENV", "ENV", "SHELLOPTS", "PS4", "IFS", "GCONV_PATH", "MALLOC_CHECK_", "APPDATA"};

std::string field(const std::string& where, const char* name) { return where + "." + name; }

const std::string& string_field(const Json& c, const std::string& where, const char* name, bool required)
{
    static const std::string empty;
    auto it = c.find(name);
    if (it == c.end() || it->is_null()) {
        if (required) throw unprocessable("field `" + field(where, name) + "` is required");
        return empty;
    }
    if (!it->is_string()) throw unprocessable("field `" + field(where, name) + "` must be a string");
    return it->get_ref<const std::string&>();
}

void string_array(const Json& c, const std::string& where, const char* name)
{
    auto it = c.find(name);
    if (it == c.end() || it->is_null()) return;
    if (!it->is_array()) throw unprocessable("field `" + field(where, name) + "` must be an array of strings");
    for (auto& v : *it)
        if (!v.is_string()) throw unprocessable("field `" + field(where, name) + "` must be an array of strings");
}

void string_map(const Json& c, const std::string& where, const char* name)
{
    auto it = c.find(name);
    if (it == c.end() || it->is_null()) return;
    if (!it->is_object()) throw unprocessable("field `" + field(where, name) + "` must be an object of strings");
    for (auto& [k, v] : it->items())
        if (!v.is_string()) throw unprocessable("field `" + field(where, name) + "." + k + "` must be a string");
}

void check_env_names(const Json& c, const std::string& where)
{
    auto check = [&](const std::string& n, const std::string& f) {
        if (n.empty() || n.find('=') != std::string::npos || n.find('\0') != std::string::npos)
            throw invalid_argument("field `" + f + "` holds an invalid environment variable name '" + n + "'");
        if (dangerous_env_name(n))
            throw invalid_argument("field `" + f + "` may not set " + n + ": it could change which program the extension runs");
    };
    if (auto it = c.find("envs"); it != c.end() && it->is_object())
        for (auto& [k, v] : it->items()) check(k, field(where, "envs"));
    if (auto it = c.find("env_keys"); it != c.end() && it->is_array())
        for (auto& v : *it) check(v.get<std::string>(), field(where, "env_keys"));
}

// A frontend extension's tools are MCP Tool objects the client runs: each needs a name the model
// can call (the charset MCP allows), an optional description and an optional JSON Schema object.
void check_frontend_tools(const Json& c, const std::string& where)
{
    constexpr size_t max_tools = 512;
    auto it = c.find("tools");
    if (it == c.end() || !it->is_array() || it->size() > max_tools)
        throw unprocessable("field `" + field(where, "tools") + "` must be an array of at most 512 tools");
    for (size_t i = 0; i < it->size(); ++i) {
        const Json& tool = (*it)[i];
        const std::string at = field(where, "tools") + "[" + std::to_string(i) + "]";
        if (!tool.is_object()) throw unprocessable("field `" + at + "` must be a Tool object");
        const std::string& name = string_field(tool, at, "name", true);
        const bool name_ok = !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](unsigned char ch) {
            return std::isalnum(ch) || ch == '_' || ch == '-' || ch == '.';
        });
        if (!name_ok) throw unprocessable("field `" + field(at, "name") + "` must be 1..128 letters, digits, '_', '-' or '.'");
        string_field(tool, at, "description", false);
        if (auto schema = tool.find("inputSchema"); schema != tool.end() && !schema->is_null() && !schema->is_object())
            throw unprocessable("field `" + field(at, "inputSchema") + "` must be a JSON Schema object");
    }
}

} // namespace

std::string extension_key(const std::string& name)
{
    std::string key;
    for (unsigned char ch : name) {
        if (std::isspace(ch)) continue;
        const char c = static_cast<char>(std::tolower(ch));
        key += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
    }
    return key;
}

bool dangerous_env_name(const std::string& name)
{
    std::string upper;
    for (unsigned char c : name) upper += static_cast<char>(std::toupper(c));
    if (upper.rfind("LD_", 0) == 0 || upper.rfind("DYLD_", 0) == 0) return true;
    return std::any_of(dangerous_names.begin(), dangerous_names.end(), [&](const char* d) { return upper == d; });
}

ExtensionSpec parse_extension_config(const Json& c, const std::string& where)
{
    if (!c.is_object()) throw unprocessable("field `" + where + "` must be an ExtensionConfig object");
    ExtensionSpec spec;
    spec.type = string_field(c, where, "type", true);
    if (std::find(known_types.begin(), known_types.end(), spec.type) == known_types.end())
        throw unprocessable("field `" + field(where, "type") + "` must be one of stdio, builtin, platform, streamable_http, sse, frontend, inline_python; got '" + spec.type + "'");
    spec.name = string_field(c, where, "name", true);
    spec.key = extension_key(spec.name);
    if (spec.key.empty()) throw unprocessable("field `" + field(where, "name") + "` must not be empty");
    string_field(c, where, "description", false);
    string_array(c, where, "available_tools");
    if (auto it = c.find("available_tools"); it != c.end() && it->is_array())
        for (auto& t : *it) spec.available_tools.push_back(t.get<std::string>());
    if (auto it = c.find("timeout"); it != c.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() <= 0 || it->get<std::int64_t>() > 86400)
            throw unprocessable("field `" + field(where, "timeout") + "` must be a whole number of seconds between 1 and 86400");
        spec.timeout = std::chrono::seconds(it->get<std::int64_t>());
    }
    if (spec.type == "stdio") {
        if (string_field(c, where, "cmd", true).empty()) throw unprocessable("field `" + field(where, "cmd") + "` must not be empty");
        string_array(c, where, "args");
    }
    if (spec.type == "streamable_http" || spec.type == "sse") {
        const std::string& uri = string_field(c, where, "uri", true);
        if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0)
            throw unprocessable("field `" + field(where, "uri") + "` must be an http:// or https:// URL");
        string_map(c, where, "headers");
    }
    if (spec.type == "frontend") check_frontend_tools(c, where);
    if (spec.type == "inline_python") string_field(c, where, "code", true);
    string_map(c, where, "envs");
    string_array(c, where, "env_keys");
    check_env_names(c, where);
    spec.config = c;
    return spec;
}

} // namespace gaggle::mcp
