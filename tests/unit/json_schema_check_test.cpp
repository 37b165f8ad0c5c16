// The recipe response schema check: each enforced keyword, the JSON pointer in its messages, and
// bounded work on hostile schemas.
#include "common/json_schema_check.hpp"

#include <doctest/doctest.h>

using namespace gaggle;

TEST_CASE("json schema check: the enforced keywords, each with the pointer of the bad value")
{
    const Json schema = Json::parse(R"({
      "type": "object",
      "required": ["name", "tags"],
      "additionalProperties": false,
      "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 5, "description": "ignored annotation"},
        "count": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
        "kind": {"enum": ["a", "b"]},
        "fixed": {"const": 1},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
        "either": {"anyOf": [{"type": "string"}, {"type": "number"}]},
        "exactly": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
        "both": {"allOf": [{"type": "number"}, {"minimum": 3}]}
      }})");
    CHECK(json_schema_problem(Json::parse(R"({"name":"ab","tags":["x"]})"), schema).empty());
    CHECK(json_schema_problem(Json::parse(R"({"name":"ab","tags":["x"],"count":null,"kind":"b","fixed":1,"either":2,"both":4})"), schema).empty());
    CHECK(json_schema_problem(Json::parse(R"({"name":"äöü","tags":["x"]})"), schema).empty()); // 3 characters, 6 bytes

    const std::pair<const char*, const char*> bad[] = {
        {R"([])", "/: expected object"},
        {R"({"tags":["x"]})", "/: missing required property `name`"},
        {R"({"name":"ab","tags":["x"],"extra":1})", "/: unexpected property `extra`"},
        {R"({"name":"a","tags":["x"]})", "/name: shorter than 2"},
        {R"({"name":"abcdef","tags":["x"]})", "/name: longer than 5"},
        {R"({"name":"ab","tags":["x"],"count":1.5})", "/count: expected integer or null"},
        {R"({"name":"ab","tags":["x"],"count":11})", "/count: above the maximum 10"},
        {R"({"name":"ab","tags":["x"],"count":-1})", "/count: below the minimum 0"},
        {R"({"name":"ab","tags":["x"],"kind":"c"})", "/kind: must be one of"},
        {R"({"name":"ab","tags":["x"],"fixed":2})", "/fixed: must be 1"},
        {R"({"name":"ab","tags":[]})", "/tags: needs at least 1 items"},
        {R"({"name":"ab","tags":["x","y","z"]})", "/tags: may have at most 2 items"},
        {R"({"name":"ab","tags":["x",3]})", "/tags/1: expected string"},
        {R"({"name":"ab","tags":["x"],"either":true})", "/either: expected string"},
        {R"({"name":"ab","tags":["x"],"exactly":3})", "/exactly: must match exactly one"},
        {R"({"name":"ab","tags":["x"],"both":2})", "/both: below the minimum 3"},
    };
    for (const auto& [value, expected] : bad) {
        INFO(value);
        const std::string problem = json_schema_problem(Json::parse(value), schema);
        CHECK(problem.find(expected) == 0);
    }
    CHECK(json_schema_problem(Json(2.0), Json{{"type", "integer"}}).empty());
    CHECK(json_schema_problem(Json(1), Json(false)).find("no value is allowed") != std::string::npos);
    CHECK(json_schema_problem(Json(1), Json(true)).empty());
}

TEST_CASE("json schema check: a schema nested past 64 levels is reported, not recursed into")
{
    Json schema = Json{{"type", "array"}};
    Json value = Json::array();
    for (int i = 0; i < 100; ++i) {
        schema = Json{{"type", "array"}, {"items", schema}};
        value = Json::array({value});
    }
    CHECK(json_schema_problem(value, schema).find("nests too deeply") != std::string::npos);
}
