#pragma once
// The bundled table of well-known models (context limit, output limit, price), compiled into the
// binary from data/canonical_models.json. Prices there are US dollars per million tokens; answers
// carry them per token, as upstream's ModelInfoData does.
#include "common/json.hpp"

#include <optional>
#include <string>

namespace gaggle {

// ModelInfoData for `model` of `provider`: an exact provider+model entry, else the same model
// under any provider (an OpenAI-compatible server serving gpt-4o), else the longest table model
// that `model` starts with (dated names such as claude-sonnet-4-5-20250929). nullopt otherwise.
std::optional<Json> canonical_model_info(const std::string& provider, const std::string& model);

// [{"pattern": model, "context_limit": n}] for every table entry (POST /config/read "model-limits").
Json canonical_model_limits();

} // namespace gaggle
