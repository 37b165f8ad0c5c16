#pragma once
// Checks tool arguments against the subset of JSON Schema the builtin tools declare: an object with
// `properties` (each with `type`, optionally `enum`, `items.type`, `minItems`/`maxItems`,
// `minimum`), `required`, and `additionalProperties: false`. Enough to turn a model's malformed
// call into an error naming the field, before any tool code runs.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace gaggle::mcp_server {

// Returns a message naming the offending field, or nullopt when `arguments` fits `schema`.
std::optional<std::string> check_arguments(const nlohmann::json& schema, const nlohmann::json& arguments);

} // namespace gaggle::mcp_server
