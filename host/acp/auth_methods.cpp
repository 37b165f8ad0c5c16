#include "acp/auth_methods.hpp"

#include "acp/jsonrpc.hpp"
#include "acp/params.hpp"
#include "agent/provider_catalog.hpp"
#include "config/config.hpp"

namespace gaggle::acp {
namespace {

constexpr int auth_required = -32000; // ACP's code for "authenticate first"

bool needs_secret(const ProviderEntry& entry)
{
    for (const auto& key : entry.metadata["config_keys"])
        if (key.is_object() && key.value("required", false) && key.value("secret", false)) return true;
    return false;
}

std::string label_of(const ProviderEntry& entry)
{
    return entry.metadata.value("display_name", entry.name);
}

} // namespace

Json auth_methods()
{
    return Json::array({Json{{"id", provider_credentials_method},
                             {"name", "Provider credentials"},
                             {"description", "The configured provider's API key and settings (set them with _goose/config/upsert "
                                             "and _goose/secret/upsert, then authenticate)"}}});
}

Json authenticate(const ProviderCatalog& providers, const Config& config, const Json& params)
{
    const std::string method = required_string(params, "methodId");
    if (method != provider_credentials_method)
        throw invalid_params("unknown authentication method `" + method.substr(0, 64) + "`; this agent offers `" +
                             provider_credentials_method + "`");
    const auto provider = config.get_string("GOOSE_PROVIDER");
    if (!provider || provider->empty())
        throw RpcError(auth_required, "no provider is configured: set GOOSE_PROVIDER (with _goose/config/upsert)");
    const ProviderEntry* entry = providers.find(*provider);
    if (!entry) throw RpcError(auth_required, "the configured provider `" + *provider + "` is not one this agent has");
    const auto missing = providers.missing_config(*entry);
    if (!missing.empty()) {
        std::string names;
        for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
        throw RpcError(auth_required, "provider `" + *provider + "` needs " + names + " (set with _goose/secret/upsert or _goose/config/upsert)");
    }
    return Json::object();
}

Json auth_status(const ProviderCatalog& providers, const Config& config)
{
    const std::string current = config.get_string("GOOSE_PROVIDER").value_or("");
    Json accounts = Json::array();
    std::string state = "unauthenticated";
    for (const auto& entry : providers.entries()) {
        if (entry.removed) continue;
        const bool usable = providers.missing_config(entry).empty();
        if (entry.name == current && usable) state = needs_secret(entry) ? "authenticated" : "not_required";
        if (usable && needs_secret(entry)) accounts.push_back(Json{{"label", label_of(entry)}, {"active", entry.name == current}});
    }
    return Json{{"state", state}, {"accounts", std::move(accounts)}};
}

} // namespace gaggle::acp
