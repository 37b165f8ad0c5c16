#pragma once
// The provider catalog (GET /config/provider-catalog[/{id}]): services a user can add as a custom
// provider in one step, from a bundled table (data/provider_templates.inc) rather than upstream's
// download of models.dev, so it works offline and answers the same on every instance.
#include "common/json.hpp"

#include <optional>
#include <string>

namespace gaggle {

// The wire formats a template may speak.
bool known_provider_format(const std::string& format);

// ProviderCatalogEntry[] {id, name, format, api_url, model_count, doc_url, env_var} of `format`.
Json provider_catalog(const std::string& format);

// ProviderTemplate {id, name, format, api_url, models: ModelTemplate[], supports_streaming,
// env_var, doc_url}; nullopt for an unknown id.
std::optional<Json> provider_template(const std::string& id);

} // namespace gaggle
