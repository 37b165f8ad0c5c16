#include "recipe/recipe_yaml.hpp"

#include "common/error.hpp"
#include "recipe/recipe_document.hpp"

#include <yaml-cpp/yaml.h>

namespace gaggle {
namespace {

constexpr int max_depth = 64;

void emit(YAML::Emitter& out, const Json& v, int depth)
{
    if (depth > max_depth) throw invalid_argument("recipe nests deeper than " + std::to_string(max_depth) + " levels");
    if (v.is_object()) {
        out << YAML::BeginMap;
        for (auto it = v.begin(); it != v.end(); ++it) {
            out << YAML::Key << it.key() << YAML::Value;
            emit(out, it.value(), depth + 1);
        }
        out << YAML::EndMap;
    } else if (v.is_array()) {
        out << YAML::BeginSeq;
        for (const auto& item : v) emit(out, item, depth + 1);
        out << YAML::EndSeq;
    } else if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        // A literal block keeps newlines; it cannot carry trailing spaces on a line or a tab
        // indentation faithfully, so those stay quoted.
        const bool multiline = s.find('\n') != std::string::npos && s.find(" \n") == std::string::npos &&
                               s.find('\t') == std::string::npos && s.find('\r') == std::string::npos && s.front() != ' ';
        if (multiline) out << YAML::Literal << s;
        else out << YAML::DoubleQuoted << s;
    } else if (v.is_boolean()) {
        out << v.get<bool>();
    } else if (v.is_number_integer()) {
        out << v.get<long long>();
    } else if (v.is_number()) {
        out << v.get<double>();
    } else {
        out << YAML::Null;
    }
}

} // namespace

std::string recipe_to_yaml(const Json& recipe)
{
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, recipe_in_field_order(recipe), 0);
    if (!out.good()) throw invalid_argument(std::string("cannot write the recipe as YAML: ") + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

} // namespace gaggle
