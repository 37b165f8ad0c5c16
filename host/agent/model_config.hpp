#pragma once
// A session's model_config as goose stores it (ModelConfig in the OpenAPI document): the model's
// name, its context limit (null: the provider's known limit is used), toolshim off. Every place
// that chooses a session's model writes this one shape.
#include "common/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gaggle {

inline Json session_model_config(const std::string& model, std::optional<std::int64_t> context_limit = std::nullopt)
{
    return Json{{"model_name", model}, {"context_limit", context_limit ? Json(*context_limit) : Json()}, {"toolshim", false}};
}

} // namespace gaggle
