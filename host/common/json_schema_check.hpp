#pragma once
// Checks a value against a JSON Schema written by a recipe author (response.json_schema), for
// the model's final output. Debian ships no C++ JSON Schema validator, so this enforces the
// keywords structured outputs use: type (one or a list), enum, const, properties, required,
// additionalProperties (false or a schema), items, minItems, maxItems, minLength, maxLength,
// minimum, maximum, anyOf, oneOf, allOf. Other keywords (description, title, format, pattern,
// $ref, ...) are annotations here: they are not enforced. Nesting is bounded (64 levels of
// schema), so neither input recurses without limit.
#include "common/json.hpp"

#include <string>

namespace gaggle {

// "" when `value` satisfies `schema`; otherwise the first problem, with the JSON pointer of the
// offending value (e.g. "/items/2/name: expected a string").
std::string json_schema_problem(const Json& value, const Json& schema);

} // namespace gaggle
