#pragma once
// A validator for the subset of JSON Schema that sdk/schema/*.json use (type, const, enum,
// required, properties, additionalProperties, items, anyOf, oneOf, not, $ref to "#/$defs/...",
// minLength, minimum). Returns the first problem with its JSON pointer, or "" when valid. A
// keyword outside the subset is reported as a problem, so the schema cannot silently outgrow it.
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

namespace gaggle::test {

class SchemaSubset {
public:
    explicit SchemaSubset(nlohmann::json root) : root_(std::move(root)) {}
    static SchemaSubset load(const std::string& path)
    {
        std::ifstream in(path);
        return SchemaSubset(nlohmann::json::parse(in));
    }

    // Validates `value` against the definition "#/$defs/<def>".
    std::string validate(const nlohmann::json& value, const std::string& def) const
    {
        return check(value, resolve("#/$defs/" + def), "", 0);
    }

private:
    const nlohmann::json& resolve(const std::string& ref) const
    {
        return root_.at(nlohmann::json::json_pointer(ref.substr(1)));
    }

    static bool has_type(const nlohmann::json& v, const std::string& t)
    {
        if (t == "object") return v.is_object();
        if (t == "array") return v.is_array();
        if (t == "string") return v.is_string();
        if (t == "integer") return v.is_number_integer();
        if (t == "number") return v.is_number();
        if (t == "boolean") return v.is_boolean();
        if (t == "null") return v.is_null();
        return false;
    }

    std::string check(const nlohmann::json& v, const nlohmann::json& s, const std::string& at, int depth) const
    {
        static const std::set<std::string> known{"$schema", "$id", "$defs", "title", "description", "type", "const",
                                                 "enum", "required", "properties", "additionalProperties", "items",
                                                 "anyOf", "oneOf", "not", "$ref", "minLength", "minimum"};
        if (depth > 64) return at + ": nested too deeply";
        for (auto& [k, _] : s.items())
            if (!known.count(k)) return at + ": schema keyword '" + k + "' is outside the validator's subset";
        if (s.contains("$ref")) return check(v, resolve(s["$ref"]), at, depth + 1);
        if (s.contains("type")) {
            bool ok = false;
            if (s["type"].is_array())
                for (auto& t : s["type"]) ok = ok || has_type(v, t);
            else
                ok = has_type(v, s["type"]);
            if (!ok) return at + ": expected " + s["type"].dump() + ", got " + v.type_name();
        }
        if (s.contains("const") && v != s["const"]) return at + ": expected " + s["const"].dump();
        if (s.contains("enum")) {
            bool found = false;
            for (auto& e : s["enum"]) found = found || v == e;
            if (!found) return at + ": not one of " + s["enum"].dump();
        }
        if (s.contains("minLength") && v.is_string() && v.get<std::string>().size() < s["minLength"].get<size_t>())
            return at + ": shorter than " + s["minLength"].dump();
        if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>())
            return at + ": below " + s["minimum"].dump();
        if (v.is_object()) {
            for (auto& r : s.value("required", nlohmann::json::array()))
                if (!v.contains(r.get<std::string>())) return at + ": missing required '" + r.get<std::string>() + "'";
            const auto& props = s.value("properties", nlohmann::json::object());
            for (auto& [k, sub] : v.items()) {
                if (props.contains(k)) {
                    if (auto p = check(sub, props[k], at + "/" + k, depth + 1); !p.empty()) return p;
                } else if (s.contains("additionalProperties")) {
                    const auto& extra = s["additionalProperties"];
                    if (extra.is_boolean() && !extra.get<bool>()) return at + ": unexpected field '" + k + "'";
                    if (extra.is_object())
                        if (auto p = check(sub, extra, at + "/" + k, depth + 1); !p.empty()) return p;
                }
            }
        }
        if (v.is_array() && s.contains("items"))
            for (size_t i = 0; i < v.size(); ++i)
                if (auto p = check(v[i], s["items"], at + "/" + std::to_string(i), depth + 1); !p.empty()) return p;
        if (s.contains("anyOf")) {
            std::string first;
            for (auto& branch : s["anyOf"]) {
                auto p = check(v, branch, at, depth + 1);
                if (p.empty()) return {};
                if (first.empty()) first = p;
            }
            return at + ": matches no anyOf branch (first: " + first + ")";
        }
        if (s.contains("oneOf")) {
            int matches = 0;
            std::string first;
            for (auto& branch : s["oneOf"]) {
                auto p = check(v, branch, at, depth + 1);
                if (p.empty()) ++matches;
                else if (first.empty()) first = p;
            }
            if (matches != 1)
                return at + ": matches " + std::to_string(matches) + " oneOf branches" + (matches ? "" : " (first: " + first + ")");
        }
        if (s.contains("not") && check(v, s["not"], at, depth + 1).empty()) return at + ": matches a 'not' schema";
        return {};
    }

    nlohmann::json root_;
};

} // namespace gaggle::test
