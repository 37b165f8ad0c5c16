#include "common/json_schema_check.hpp"

namespace gaggle {
namespace {

constexpr int max_schema_depth = 64;

bool has_type(const Json& value, const std::string& type)
{
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "number") return value.is_number();
    if (type == "integer")
        return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
    return true; // an unknown type name constrains nothing
}

std::string type_problem(const Json& value, const Json& type)
{
    if (type.is_string()) return has_type(value, type) ? "" : "expected " + type.get<std::string>();
    if (type.is_array()) {
        std::string names;
        for (const auto& t : type) {
            if (!t.is_string()) continue;
            if (has_type(value, t)) return "";
            names += (names.empty() ? "" : " or ") + t.get<std::string>();
        }
        return names.empty() ? "" : "expected " + names;
    }
    return "";
}

std::string check(const Json& value, const Json& schema, const std::string& at, int depth);

// Problems of the keywords that combine subschemas.
std::string combinations(const Json& value, const Json& schema, const std::string& at, int depth)
{
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array())
        for (const auto& s : *all)
            if (auto p = check(value, s, at, depth + 1); !p.empty()) return p;
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array() && !any->empty()) {
        std::string first;
        for (const auto& s : *any) {
            auto p = check(value, s, at, depth + 1);
            if (p.empty()) return "";
            if (first.empty()) first = p;
        }
        return first;
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array() && !one->empty()) {
        int matched = 0;
        for (const auto& s : *one) matched += check(value, s, at, depth + 1).empty() ? 1 : 0;
        if (matched != 1) return (at.empty() ? "/" : at) + ": must match exactly one of the oneOf schemas (matched " + std::to_string(matched) + ")";
    }
    return "";
}

std::string object_problem(const Json& value, const Json& schema, const std::string& at, int depth)
{
    if (auto req = schema.find("required"); req != schema.end() && req->is_array())
        for (const auto& name : *req)
            if (name.is_string() && !value.contains(name.get<std::string>()))
                return (at.empty() ? "/" : at) + ": missing required property `" + name.get<std::string>() + "`";
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [name, v] : value.items()) {
        if (properties.is_object() && properties.contains(name)) {
            if (auto p = check(v, properties[name], at + "/" + name, depth + 1); !p.empty()) return p;
            continue;
        }
        auto extra = schema.find("additionalProperties");
        if (extra == schema.end()) continue;
        if (extra->is_boolean() && !extra->get<bool>()) return (at.empty() ? "/" : at) + ": unexpected property `" + name + "`";
        if (extra->is_object())
            if (auto p = check(v, *extra, at + "/" + name, depth + 1); !p.empty()) return p;
    }
    return "";
}

std::string array_problem(const Json& value, const Json& schema, const std::string& at, int depth)
{
    const auto size = static_cast<std::int64_t>(value.size());
    if (auto m = schema.find("minItems"); m != schema.end() && m->is_number_integer() && size < m->get<std::int64_t>())
        return (at.empty() ? "/" : at) + ": needs at least " + std::to_string(m->get<std::int64_t>()) + " items";
    if (auto m = schema.find("maxItems"); m != schema.end() && m->is_number_integer() && size > m->get<std::int64_t>())
        return (at.empty() ? "/" : at) + ": may have at most " + std::to_string(m->get<std::int64_t>()) + " items";
    if (auto items = schema.find("items"); items != schema.end() && items->is_object())
        for (std::size_t i = 0; i < value.size(); ++i)
            if (auto p = check(value[i], *items, at + "/" + std::to_string(i), depth + 1); !p.empty()) return p;
    return "";
}

std::string scalar_problem(const Json& value, const Json& schema, const std::string& where)
{
    if (value.is_string()) {
        // Lengths in bytes would count a UTF-8 character several times: count code points.
        std::int64_t length = 0;
        for (unsigned char c : value.get_ref<const std::string&>()) length += (c & 0xC0) != 0x80;
        if (auto m = schema.find("minLength"); m != schema.end() && m->is_number_integer() && length < m->get<std::int64_t>())
            return where + ": shorter than " + std::to_string(m->get<std::int64_t>()) + " characters";
        if (auto m = schema.find("maxLength"); m != schema.end() && m->is_number_integer() && length > m->get<std::int64_t>())
            return where + ": longer than " + std::to_string(m->get<std::int64_t>()) + " characters";
    }
    if (value.is_number()) {
        const double v = value.get<double>();
        if (auto m = schema.find("minimum"); m != schema.end() && m->is_number() && v < m->get<double>())
            return where + ": below the minimum " + m->dump();
        if (auto m = schema.find("maximum"); m != schema.end() && m->is_number() && v > m->get<double>())
            return where + ": above the maximum " + m->dump();
    }
    return "";
}

std::string check(const Json& value, const Json& schema, const std::string& at, int depth)
{
    if (depth > max_schema_depth) return (at.empty() ? "/" : at) + ": the schema nests too deeply to check";
    if (schema.is_boolean()) return schema.get<bool>() ? "" : (at.empty() ? "/" : at) + ": no value is allowed here";
    if (!schema.is_object()) return "";
    const std::string where = at.empty() ? "/" : at;
    if (auto t = schema.find("type"); t != schema.end())
        if (auto p = type_problem(value, *t); !p.empty()) return where + ": " + p;
    if (auto c = schema.find("const"); c != schema.end() && *c != value) return where + ": must be " + c->dump();
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
        bool found = false;
        for (const auto& option : *e) found = found || option == value;
        if (!found) return where + ": must be one of " + e->dump();
    }
    if (value.is_object())
        if (auto p = object_problem(value, schema, at, depth); !p.empty()) return p;
    if (value.is_array())
        if (auto p = array_problem(value, schema, at, depth); !p.empty()) return p;
    if (auto p = scalar_problem(value, schema, where); !p.empty()) return p;
    return combinations(value, schema, at, depth);
}

} // namespace

std::string json_schema_problem(const Json& value, const Json& schema) { return check(value, schema, "", 0); }

} // namespace gaggle
