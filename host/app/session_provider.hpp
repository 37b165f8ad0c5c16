#pragma once
// Choosing a session's provider and model: POST /agent/update_provider and ACP's
// _goose/session/provider/update, which name the fields differently but mean the same.
#include "app/app_context.hpp"
#include "common/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gaggle {

struct ProviderEntry;

struct ProviderChoice {
    std::string provider;
    std::optional<std::string> model;           // absent or empty: GOOSE_MODEL, else the provider's default
    std::optional<std::int64_t> context_limit;  // absent: the provider's known limit
    std::optional<Json> request_params;         // an object passed on to every request
};

// The provider's catalog entry; invalid_argument for a name no plugin or custom provider has.
const ProviderEntry& known_provider(AppContext& app, const std::string& name);

// Stores the choice on the session (not_found for another owner's session) and returns the
// session as updated; the next turn uses it. invalid_argument when no model can be chosen,
// unprocessable for a negative context_limit.
SessionInfo choose_session_provider(AppContext& app, const std::string& owner, const std::string& session_id, const ProviderChoice& choice);

} // namespace gaggle
