#pragma once
// ACP authentication, as Gaggle has it. There is no account to sign in to: the agent can work once
// the configured provider (GOOSE_PROVIDER) has its credentials, which a client sets with
// `_goose/config/upsert` and `_goose/secret/upsert` (or the user in config.yaml, the environment,
// the keyring). So:
// - initialize offers one method of the `agent` type, "provider-credentials";
// - `authenticate` with it checks those credentials and answers auth_required (-32000), naming
//   what is missing, until they are there;
// - `auth/status` (unstable) reports authenticated / unauthenticated / not_required, and the
//   providers whose credentials are configured as accounts.
// Runs on the connection's reader thread; reads configuration only.
#include "common/json.hpp"

namespace gaggle {
class Config;
class ProviderCatalog;
} // namespace gaggle

namespace gaggle::acp {

inline constexpr const char* provider_credentials_method = "provider-credentials";

// The initialize response's authMethods.
Json auth_methods();
// `authenticate`: {} when the configured provider can be used; throws RpcError otherwise
// (-32602 for an unknown methodId, -32000 while credentials are missing).
Json authenticate(const ProviderCatalog& providers, const Config& config, const Json& params);
// `auth/status`: {state, accounts}.
Json auth_status(const ProviderCatalog& providers, const Config& config);

} // namespace gaggle::acp
