#include "config/yaml_text_edit.hpp"

#include "common/error.hpp"
#include "config/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>
#include <vector>

namespace gaggle {
namespace {

constexpr int max_depth = 64;

// Whether a plain (unquoted) scalar with this text would read back as the same string.
bool reads_back_as_string(const std::string& s)
{
    if (s.empty()) return false;
    const Json back = yaml_to_json(YAML::Node(s));
    return back.is_string() && back.get<std::string>() == s;
}

void emit(YAML::Emitter& out, const Json& v, int depth)
{
    if (depth > max_depth) throw invalid_argument("value nests deeper than 64 levels");
    switch (v.type()) {
    case Json::value_t::null: out << YAML::Null; break;
    case Json::value_t::boolean: out << v.get<bool>(); break;
    case Json::value_t::number_integer: out << v.get<std::int64_t>(); break;
    case Json::value_t::number_unsigned: out << v.get<std::uint64_t>(); break;
    case Json::value_t::number_float: out << v.get<double>(); break;
    case Json::value_t::string: {
        const std::string s = v.get<std::string>();
        if (!reads_back_as_string(s)) out << YAML::DoubleQuoted;
        out << s;
        break;
    }
    case Json::value_t::array:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            break;
        }
        out << YAML::BeginSeq;
        for (const auto& item : v) emit(out, item, depth + 1);
        out << YAML::EndSeq;
        break;
    case Json::value_t::object:
        if (v.empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            break;
        }
        out << YAML::BeginMap;
        for (const auto& [k, item] : v.items()) {
            out << YAML::Key;
            if (!reads_back_as_string(k)) out << YAML::DoubleQuoted;
            out << k << YAML::Value;
            emit(out, item, depth + 1);
        }
        out << YAML::EndMap;
        break;
    default: out << YAML::Null; break;
    }
}

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start + 1));
        start = nl + 1;
    }
    return lines;
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The key of a top-level `key: ...` line, or nullopt for anything else (comments, indented
// lines, sequence items, document markers).
std::optional<std::string> top_level_key(const std::string& line)
{
    if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' || line[0] == '\r' ||
        line[0] == '\n' || line.rfind("...", 0) == 0)
        return std::nullopt;
    std::string key;
    size_t i = 0;
    if (line[0] == '"' || line[0] == '\'') {
        try { // let the YAML parser read the quoted key, escapes included
            const YAML::Node n = YAML::Load(line);
            if (n.IsMap() && n.size() == 1) return n.begin()->first.as<std::string>();
        } catch (const YAML::Exception&) {
        }
        return std::nullopt;
    }
    while (i < line.size()) {
        if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t' || line[i + 1] == '\r' ||
                               line[i + 1] == '\n'))
            break;
        key += line[i++];
    }
    if (i >= line.size()) return std::nullopt;
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    return key;
}

// [first, last) lines of the entry for `key`, or nullopt.
std::optional<std::pair<size_t, size_t>> find_entry(const std::vector<std::string>& lines, const std::string& key)
{
    for (size_t i = 0; i < lines.size(); ++i) {
        auto k = top_level_key(lines[i]);
        if (!k || *k != key) continue;
        size_t end = i + 1, last_content = i + 1;
        for (; end < lines.size(); ++end) {
            const std::string& l = lines[end];
            if (blank(l)) continue;
            const bool belongs = l[0] == ' ' || l[0] == '\t' || (l[0] == '-' && l.rfind("---", 0) != 0);
            if (!belongs) break;
            last_content = end + 1;
        }
        return std::make_pair(i, last_content);
    }
    return std::nullopt;
}

std::string join(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& l : lines) out += l;
    return out;
}

} // namespace

std::string yaml_entry(const std::string& key, const Json& value)
{
    YAML::Emitter out;
    out.SetDoublePrecision(17);
    out << YAML::BeginMap << YAML::Key;
    if (!reads_back_as_string(key)) out << YAML::DoubleQuoted;
    out << key << YAML::Value;
    emit(out, value, 1);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

std::string yaml_document(const Json& map)
{
    std::string out;
    for (const auto& [k, v] : map.items()) out += yaml_entry(k, v);
    return out;
}

std::string yaml_set_top_level(const std::string& text, const std::string& key, const Json& value)
{
    auto lines = split_lines(text);
    const std::string entry = yaml_entry(key, value);
    if (auto range = find_entry(lines, key)) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(range->first), lines.begin() + static_cast<std::ptrdiff_t>(range->second));
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(range->first), entry);
        return join(lines);
    }
    std::string out = text;
    if (!out.empty() && out.back() != '\n') out += '\n';
    // A file holding only an empty flow map ("{}") and comments cannot take a block entry after it.
    bool empty_flow_map = false, other = false;
    std::string kept;
    for (const auto& l : lines) {
        const size_t b = l.find_first_not_of(" \t"), e = l.find_last_not_of(" \t\r\n");
        if (blank(l) || l[b] == '#') kept += l;
        else if (l.substr(b, e - b + 1) == "{}") empty_flow_map = true;
        else other = true;
    }
    if (empty_flow_map && !other) return kept + entry;
    return out + entry;
}

std::string yaml_remove_top_level(const std::string& text, const std::string& key)
{
    auto lines = split_lines(text);
    if (auto range = find_entry(lines, key)) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(range->first), lines.begin() + static_cast<std::ptrdiff_t>(range->second));
        return join(lines);
    }
    return text;
}

} // namespace gaggle
