#pragma once
// Where and how to call OpenAI (or a compatible server): from the request's "connection" when the
// host passes a declarative provider, else from the OPENAI_* config keys.
#include <gaggle_providers/chat_request.hpp>
#include <gaggle_providers/http_client.hpp>

#include <gaggle/cpp/plugin.hpp>

#include <optional>
#include <string>

namespace gaggle::providers::openai {

struct Endpoint {
    std::string url;        // chat completions or responses URL
    std::string models_url; // GET for list_models
    Headers headers;        // auth, organization, project, custom headers
    bool responses_api = false;
};

// `model` may be empty (list_models); it can switch the endpoint to the Responses API.
Endpoint resolve_endpoint(const sdk::Host& host, const std::optional<Connection>& connection, const std::string& model);

// Models only served by the Responses API (codex and "-pro" reasoning models).
bool needs_responses_api(const std::string& model);

// o-series and gpt-5 reasoning models: developer role, no temperature, max_completion_tokens.
bool is_reasoning_model(const std::string& model);

} // namespace gaggle::providers::openai
