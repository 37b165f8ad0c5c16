#include "common/schema_check.hpp"

#include <cmath>

namespace gaggle::mcp_server {
namespace {

using nlohmann::json;

bool has_type(const json& value, const std::string& type)
{
    if (type == "string") return value.is_string();
    if (type == "integer") {
        if (value.is_number_integer()) return true;
        if (!value.is_number_float()) return false;
        // 3.0 is an integer; the range check comes first so the cast below is defined.
        const double d = value.get<double>();
        return std::fabs(d) < 9.0e18 && d == std::trunc(d);
    }
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "array") return value.is_array();
    if (type == "object") return value.is_object();
    if (type == "null") return value.is_null();
    return true; // a type this checker does not know is not the client's fault
}

// `type` may be one name or a list of names.
std::optional<std::string> check_type(const json& schema, const json& value, const std::string& field)
{
    auto it = schema.find("type");
    if (it == schema.end()) return std::nullopt;
    if (it->is_string()) {
        if (has_type(value, it->get<std::string>())) return std::nullopt;
        return "argument '" + field + "' must be " + (it->get<std::string>() == "integer" ? "an " : "a ") + it->get<std::string>() + ", got " + value.type_name();
    }
    if (it->is_array()) {
        for (const auto& t : *it)
            if (t.is_string() && has_type(value, t.get<std::string>())) return std::nullopt;
        return "argument '" + field + "' must be one of the types " + it->dump() + ", got " + value.type_name();
    }
    return std::nullopt;
}

std::optional<std::string> check_value(const json& schema, const json& value, const std::string& field)
{
    if (!schema.is_object()) return std::nullopt;
    if (auto bad = check_type(schema, value, field)) return bad;
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
        bool found = false;
        for (const auto& allowed : *e) found = found || allowed == value;
        if (!found) return "argument '" + field + "' must be one of " + e->dump() + ", got " + value.dump();
    }
    if (value.is_number()) {
        if (auto m = schema.find("minimum"); m != schema.end() && m->is_number() && value.get<double>() < m->get<double>())
            return "argument '" + field + "' must be at least " + m->dump();
    }
    if (value.is_array()) {
        if (auto m = schema.find("minItems"); m != schema.end() && m->is_number_unsigned() && value.size() < m->get<size_t>())
            return "argument '" + field + "' needs at least " + m->dump() + " items";
        if (auto m = schema.find("maxItems"); m != schema.end() && m->is_number_unsigned() && value.size() > m->get<size_t>())
            return "argument '" + field + "' takes at most " + m->dump() + " items";
        if (auto items = schema.find("items"); items != schema.end()) {
            for (size_t i = 0; i < value.size(); ++i)
                if (auto bad = check_type(*items, value[i], field + "[" + std::to_string(i) + "]")) return bad;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> check_arguments(const json& schema, const json& arguments)
{
    if (!arguments.is_object()) return std::string("arguments must be an object, got ") + arguments.type_name();
    const json empty = json::object();
    const auto props_it = schema.find("properties");
    const json& props = props_it != schema.end() && props_it->is_object() ? *props_it : empty;
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
        for (const auto& name : *req)
            if (name.is_string() && !arguments.contains(name.get<std::string>()))
                return "missing required argument '" + name.get<std::string>() + "'";
    }
    const auto extra = schema.find("additionalProperties");
    const bool closed = extra != schema.end() && extra->is_boolean() && !extra->get<bool>();
    for (const auto& [name, value] : arguments.items()) {
        auto p = props.find(name);
        if (p == props.end()) {
            if (closed) return "unknown argument '" + name + "'";
            continue;
        }
        if (auto bad = check_value(*p, value, name)) return bad;
    }
    return std::nullopt;
}

} // namespace gaggle::mcp_server
