#include "agent/mcp_sampling.hpp"

#include "agent/agent_loop.hpp"
#include "agent/cancel_token.hpp"
#include "agent/messages.hpp"
#include "agent/provider_catalog.hpp"
#include "common/error.hpp"

#include <stdexcept>

namespace gaggle {
namespace {

// A server may not make the host send the provider more than this (a prompt the size of a book
// is a bug or an abuse, and the provider would refuse it anyway).
constexpr std::size_t max_messages = 200;
constexpr std::size_t max_text_bytes = 1024 * 1024;
const char* const default_system_prompt = "You are a general-purpose AI agent called Gaggle.";

// One MCP content block (text or image) as a message content item; audio and others are refused.
Json content_item(const Json& c, std::size_t& text_bytes)
{
    const std::string type = c.is_object() ? c.value("type", std::string()) : "";
    if (type == "text" && c.contains("text") && c["text"].is_string()) {
        text_bytes += c["text"].get_ref<const std::string&>().size();
        return text_content(c["text"].get<std::string>());
    }
    if (type == "image" && c.contains("data") && c["data"].is_string() && c.contains("mimeType") && c["mimeType"].is_string()) {
        const std::string& data = c["data"].get_ref<const std::string&>();
        if (auto problem = image_problem(data, c["mimeType"].get<std::string>()))
            throw invalid_argument("a sampling image's " + *problem);
        text_bytes += data.size();
        return Json{{"type", "image"}, {"data", c["data"]}, {"mimeType", c["mimeType"]}};
    }
    throw invalid_argument("sampling messages may hold text and image content only, not '" + type + "'");
}

} // namespace

Json sampling_chat_messages(const Json& params)
{
    if (!params.is_object() || !params.contains("messages") || !params["messages"].is_array() || params["messages"].empty())
        throw invalid_argument("sampling/createMessage needs a non-empty `messages` array");
    if (params["messages"].size() > max_messages) throw invalid_argument("sampling/createMessage: too many messages");
    Json out = Json::array();
    std::size_t text_bytes = 0;
    for (const auto& m : params["messages"]) {
        const std::string role = m.is_object() ? m.value("role", std::string()) : "";
        if (role != "user" && role != "assistant") throw invalid_argument("a sampling message's `role` must be user or assistant");
        Json content = Json::array();
        const Json& c = m.contains("content") ? m["content"] : Json();
        if (c.is_array()) {
            for (const auto& one : c) content.push_back(content_item(one, text_bytes));
        } else {
            content.push_back(content_item(c, text_bytes));
        }
        if (text_bytes > max_text_bytes) throw invalid_argument("sampling/createMessage: the messages are too large");
        out.push_back(make_message(role, std::move(content)));
    }
    return out;
}

Json sample_for_session(AgentServices& services, const std::string& owner, const std::string& session_id, const Json& params)
{
    const Json messages = sampling_chat_messages(params);
    const SessionInfo session = services.store.get_session(owner, session_id);
    const auto [provider, model] = resolve_provider(services, session);
    Json settings = Json::object();
    if (auto it = params.find("maxTokens"); it != params.end() && it->is_number_integer() && it->get<std::int64_t>() > 0)
        settings["max_tokens"] = *it;
    if (auto it = params.find("temperature"); it != params.end() && it->is_number()) settings["temperature"] = *it;
    std::string system = default_system_prompt;
    if (auto it = params.find("systemPrompt"); it != params.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
        system = it->get<std::string>();
    const Json request{{"model", model}, {"system", system}, {"messages", messages}, {"tools", Json::array()}, {"settings", settings}};

    std::string text;
    const CancelToken never; // the provider call's own timeouts bound the wait
    const ProviderOutcome outcome = services.providers.stream(
        *provider, request,
        [&](const Json& e) {
            if (e.value("type", "") == "text") text += e.value("text", std::string());
        },
        never);
    if (outcome.status != GAGGLE_OK) throw std::runtime_error("the model could not answer: " + outcome.message);
    return Json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", text}}}, {"model", model}, {"stopReason", "endTurn"}};
}

} // namespace gaggle
