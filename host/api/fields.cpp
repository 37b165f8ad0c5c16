#include "api/fields.hpp"

#include "common/error.hpp"

namespace gaggle::fields {
namespace {

const Json* find(const Json& obj, const char* field)
{
    auto it = obj.find(field);
    return (it == obj.end() || it->is_null()) ? nullptr : &*it;
}

[[noreturn]] void wrong_type(const char* field, const char* expected)
{
    throw unprocessable(std::string("field `") + field + "` must be " + expected);
}

const Json& required(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) throw unprocessable(std::string("missing field `") + field + "`");
    return *v;
}

} // namespace

const Json& object(const Json& body)
{
    if (!body.is_object()) throw unprocessable("request body must be a JSON object");
    return body;
}

std::string required_string(const Json& obj, const char* field)
{
    const Json& v = required(obj, field);
    if (!v.is_string()) wrong_type(field, "a string");
    return v.get<std::string>();
}

bool required_bool(const Json& obj, const char* field)
{
    const Json& v = required(obj, field);
    if (!v.is_boolean()) wrong_type(field, "a boolean");
    return v.get<bool>();
}

std::optional<std::string> optional_string(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) return std::nullopt;
    if (!v->is_string()) wrong_type(field, "a string");
    return v->get<std::string>();
}

std::optional<bool> optional_bool(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) wrong_type(field, "a boolean");
    return v->get<bool>();
}

std::optional<std::int64_t> optional_int(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) wrong_type(field, "an integer");
    return v->get<std::int64_t>();
}

std::optional<Json> optional_object(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) return std::nullopt;
    if (!v->is_object()) wrong_type(field, "an object");
    return *v;
}

std::optional<Json> optional_array(const Json& obj, const char* field)
{
    const Json* v = find(obj, field);
    if (!v) return std::nullopt;
    if (!v->is_array()) wrong_type(field, "an array");
    return *v;
}

} // namespace gaggle::fields
