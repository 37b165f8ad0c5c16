#include "openai_endpoint.hpp"

#include <gaggle_providers/settings.hpp>

namespace gaggle::providers::openai {
namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, std::string_view p)
{
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// A base URL from a declarative provider may be the full endpoint (".../v1/chat/completions"),
// a versioned root (".../v1") or a bare host; all three are accepted.
std::string endpoint_from_base_url(const std::string& base_url, const std::optional<std::string>& base_path)
{
    std::string base = with_scheme(base_url);
    if (base_path) return join_url(base, *base_path);
    if (ends_with(base, "/completions") || ends_with(base, "/responses")) return base;
    if (url_path(base).empty()) return join_url(base, "v1/chat/completions");
    return join_url(base, "chat/completions");
}

// The models listing sits beside the completions endpoint: ".../v1/chat/completions" -> ".../v1/models".
std::string models_url_for(const std::string& url)
{
    for (std::string_view suffix : {"/chat/completions", "/completions", "/responses"}) {
        if (ends_with(url, suffix)) return url.substr(0, url.size() - suffix.size()) + "/models";
    }
    return join_url(url, "models");
}

} // namespace

bool needs_responses_api(const std::string& model)
{
    if (model.find("codex") != std::string::npos) return true;
    return (starts_with(model, "gpt-5") || starts_with(model, "o1") || starts_with(model, "o3")) && ends_with(model, "-pro");
}

bool is_reasoning_model(const std::string& model)
{
    return starts_with(model, "o1") || starts_with(model, "o3") || starts_with(model, "o4") ||
           (starts_with(model, "gpt-5") && model.find("chat") == std::string::npos);
}

Endpoint resolve_endpoint(const sdk::Host& host, const std::optional<Connection>& connection, const std::string& model)
{
    Endpoint e;
    std::optional<std::string> api_key;
    if (connection && connection->base_url) {
        e.url = endpoint_from_base_url(*connection->base_url, connection->base_path);
        api_key = connection_api_key(host, *connection);
        e.headers = connection->headers;
    } else {
        const std::string base = with_scheme(config_value(host, "OPENAI_HOST").value_or("https://api.openai.com"));
        const std::string path = config_value(host, "OPENAI_BASE_PATH").value_or("v1/chat/completions");
        e.url = join_url(base, path);
        if (connection) api_key = connection_api_key(host, *connection);
        if (!api_key) api_key = secret_value(host, "OPENAI_API_KEY");
        if (auto org = config_value(host, "OPENAI_ORGANIZATION")) e.headers.emplace_back("OpenAI-Organization", *org);
        if (auto project = config_value(host, "OPENAI_PROJECT")) e.headers.emplace_back("OpenAI-Project", *project);
        auto custom = secret_value(host, "OPENAI_CUSTOM_HEADERS");
        if (!custom) custom = config_value(host, "OPENAI_CUSTOM_HEADERS");
        if (custom)
            for (auto& h : parse_header_list(*custom)) e.headers.push_back(std::move(h));
        if (connection)
            for (const auto& h : connection->headers) e.headers.push_back(h);
    }
    // No key is fine: local servers (LM Studio, vLLM, llama.cpp) take unauthenticated requests.
    if (api_key) e.headers.emplace_back("Authorization", "Bearer " + *api_key);
    e.models_url = models_url_for(e.url);

    e.responses_api = ends_with(e.url, "/responses");
    if (!e.responses_api && needs_responses_api(model) && ends_with(e.url, "/chat/completions")) {
        e.url = e.url.substr(0, e.url.size() - std::string_view("/chat/completions").size()) + "/responses";
        e.responses_api = true;
    }
    return e;
}

} // namespace gaggle::providers::openai
