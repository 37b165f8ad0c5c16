#include "api/turn_input.hpp"

#include "agent/elicitation.hpp"
#include "agent/frontend_tools.hpp"
#include "agent/messages.hpp"
#include "agent/slash_commands.hpp"
#include "common/error.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/recipe_service.hpp"
#include "recipe/render.hpp"

namespace gaggle {
namespace {

// The fields of a Message the agent reads, with the types it reads them as: a client's wrong type
// is a 422 naming the field here, never a JSON type error deep inside a turn.
void check_message_shape(const Json& m, const std::string& where)
{
    if (!m.is_object()) throw unprocessable("field `" + where + "` must be a Message object");
    auto expect = [&](const Json& parent, const char* key, bool (Json::*is)() const noexcept, const char* what,
                      const std::string& path) {
        auto it = parent.find(key);
        if (it != parent.end() && !it->is_null() && !((*it).*is)())
            throw unprocessable("field `" + path + "." + key + "` must be " + what);
    };
    expect(m, "id", &Json::is_string, "a string", where);
    expect(m, "role", &Json::is_string, "a string", where);
    expect(m, "created", &Json::is_number, "a number", where);
    expect(m, "content", &Json::is_array, "an array", where);
    expect(m, "metadata", &Json::is_object, "an object", where);
    if (auto meta = m.find("metadata"); meta != m.end() && meta->is_object()) {
        expect(*meta, "userVisible", &Json::is_boolean, "a boolean", where + ".metadata");
        expect(*meta, "agentVisible", &Json::is_boolean, "a boolean", where + ".metadata");
    }
    if (auto content = m.find("content"); content != m.end() && content->is_array()) {
        for (size_t i = 0; i < content->size(); ++i) {
            const Json& item = (*content)[i];
            const std::string at = where + ".content[" + std::to_string(i) + "]";
            if (!item.is_object()) throw unprocessable("field `" + at + "` must be an object");
            expect(item, "type", &Json::is_string, "a string", at);
            expect(item, "text", &Json::is_string, "a string", at);
            expect(item, "id", &Json::is_string, "a string", at);
        }
    }
}

// "/name args" where a library recipe is bound to /name: the message becomes the recipe's
// prompt (or instructions), rendered with its parameters' defaults, with `args` appended.
void expand_recipe_command(AppContext& app, Json& user_message)
{
    const auto invocation = slash_invocation(user_message);
    if (!invocation || is_builtin_slash_command(invocation->command)) return;
    for (const auto& bound : RecipeService(app.config, app.kv).slash_commands()) {
        if (bound.command != invocation->command) continue;
        const RecipeFile file = load_recipe_file(bound.recipe_path);
        const Json rendered = render_recipe(file.recipe, {}, file.path.parent_path());
        std::string text = rendered.value("prompt", std::string());
        if (text.empty()) text = rendered.value("instructions", std::string());
        if (!invocation->args.empty()) text += (text.empty() ? "" : "\n\n") + invocation->args;
        user_message["content"] = Json::array({text_content(text)});
        return;
    }
}

} // namespace

std::optional<SessionInfo> deliver_turn_answer(AppContext& app, const std::string& owner, const std::string& session_id,
                                               const Json& user_message)
{
    if (const auto answer = elicitation_answer_in(user_message)) {
        SessionInfo session = app.sessions.get_session(owner, session_id); // another user's session is not found
        if (!app.agent_services.elicitations.deliver(session_id, answer->id, answer->user_data))
            throw not_found("No elicitation is waiting for id " + answer->id + " in this session");
        return session;
    }
    if (const auto answer = frontend_tool_answer_in(user_message)) {
        SessionInfo session = app.sessions.get_session(owner, session_id);
        if (!app.agent_services.frontend_tools.deliver(session_id, answer->id, answer->result))
            throw not_found("No frontend tool call is waiting for id " + answer->id + " in this session");
        return session;
    }
    return std::nullopt;
}

TurnRequest prepare_turn(AppContext& app, const std::string& owner, const std::string& session_id, Json user_message,
                         std::optional<Json> override_conversation)
{
    const SessionInfo session = app.sessions.get_session(owner, session_id);
    resolve_provider(app.agent_services, session);
    check_message_shape(user_message, "user_message");
    expand_recipe_command(app, user_message);
    TurnRequest request{owner, session_id, std::move(user_message), std::nullopt};
    if (override_conversation) {
        std::vector<Json> messages;
        for (size_t i = 0; i < override_conversation->size(); ++i) {
            check_message_shape((*override_conversation)[i], "override_conversation[" + std::to_string(i) + "]");
            messages.push_back(std::move((*override_conversation)[i]));
        }
        request.override_conversation = std::move(messages);
    }
    return request;
}

Json user_text_message(const std::string& text) { return make_message("user", Json::array({text_content(text)})); }

} // namespace gaggle
