#include "recipe/recipe_from_session.hpp"

#include "agent/agent_loop.hpp"
#include "agent/cancel_token.hpp"
#include "agent/messages.hpp"
#include "agent/provider_catalog.hpp"
#include "common/error.hpp"
#include "common/json_parse.hpp"
#include "recipe/recipe_document.hpp"

namespace gaggle {
namespace {

const char* const system_prompt =
    "You turn a conversation between a user and an AI agent into a reusable recipe: instructions that let the agent "
    "do the same kind of task again for someone else. Answer with exactly one JSON object and no other text, with "
    "these fields: \"title\" (a few words), \"description\" (one sentence), \"instructions\" (what the agent should "
    "do, step by step, general enough to reuse, naming the tools it used), \"activities\" (up to 4 short example "
    "requests a user could start with).";

const char* const request_text = "Write the recipe for the conversation above as the JSON object described.";

// The model may wrap its JSON in prose or a ``` fence: take the outermost object.
Json extract_object(const std::string& text)
{
    const auto open = text.find('{');
    const auto close = text.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open)
        throw invalid_argument("Recipe creation failed: the model did not answer with a JSON object");
    try {
        Json j = parse_untrusted_json(std::string_view(text).substr(open, close - open + 1), "the model's recipe");
        if (j.is_object()) return j;
    } catch (const Error&) {
    }
    throw invalid_argument("Recipe creation failed: the model's answer is not valid JSON");
}

std::string text_field(const Json& j, const char* key, const std::string& fallback)
{
    return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty() ? j[key].get<std::string>() : fallback;
}

} // namespace

Json create_recipe_from_session(AgentServices& services, const std::string& owner, const std::string& session_id)
{
    const SessionInfo session = services.store.get_session(owner, session_id);
    Json messages = Json::array();
    services.store.for_each_message(owner, session_id, [&](std::string_view raw, bool seen_by_agent) {
        if (seen_by_agent) messages.push_back(Json::parse(raw));
    });
    if (messages.empty()) throw invalid_argument("Recipe creation failed: the session has no conversation to make a recipe from");
    messages.push_back(make_message("user", Json::array({text_content(request_text)})));

    auto [provider, model] = resolve_provider(services, session);
    const Json request{{"model", model}, {"system", system_prompt}, {"messages", messages}, {"tools", Json::array()}, {"settings", Json::object()}};
    std::string answer;
    CancelToken cancel;
    const ProviderOutcome outcome = services.providers.stream(*provider, request, [&](const Json& e) {
        if (e.value("type", std::string()) == "text") answer += e.value("text", std::string());
    }, cancel);
    if (outcome.status == GAGGLE_ERR_RATE_LIMITED) throw Error(ErrorKind::rate_limited, provider_error_class(outcome.status) + ": " + outcome.message);
    if (outcome.status == GAGGLE_ERR_AUTHENTICATION) throw invalid_argument(provider_error_class(outcome.status) + ": " + outcome.message);
    if (outcome.status != GAGGLE_OK) throw internal_error(provider_error_class(outcome.status) + ": " + outcome.message);

    const Json made = extract_object(answer);
    Json recipe{{"version", "1.0.0"},
                {"title", text_field(made, "title", session.name)},
                {"description", text_field(made, "description", "Made from the session " + session.name)},
                {"instructions", text_field(made, "instructions", "")}};
    if (made.contains("activities") && made["activities"].is_array()) {
        Json activities = Json::array();
        for (const auto& a : made["activities"])
            if (a.is_string()) activities.push_back(a);
        if (!activities.empty()) recipe["activities"] = activities;
    }
    try {
        return validate_recipe(recipe);
    } catch (const Error& e) {
        throw invalid_argument(std::string("Recipe creation failed: the model's recipe is not usable: ") + e.what());
    }
}

} // namespace gaggle
