#include "config/yaml_json.hpp"

#include <charconv>

namespace gaggle {
namespace {

Json plain_scalar(const std::string& s)
{
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return nullptr;
    long long i = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc() && p == s.data() + s.size()) return i;
    try {
        size_t used = 0;
        const double d = std::stod(s, &used);
        if (used == s.size()) return d;
    } catch (const std::exception&) {
    }
    return s;
}

} // namespace

Json yaml_to_json(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return node.Tag() == "!" ? Json(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
        Json arr = Json::array();
        for (const auto& item : node) arr.push_back(yaml_to_json(item));
        return arr;
    }
    case YAML::NodeType::Map: {
        Json obj = Json::object();
        for (const auto& kv : node) obj[kv.first.as<std::string>()] = yaml_to_json(kv.second);
        return obj;
    }
    }
    return nullptr;
}

} // namespace gaggle
