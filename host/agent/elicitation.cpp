#include "agent/elicitation.hpp"

#include "agent/messages.hpp"
#include "common/error.hpp"

namespace gaggle {
namespace {

// What a desktop can sensibly render; anything larger is not a question for a person.
constexpr size_t max_message_bytes = 64 * 1024;
constexpr size_t max_schema_bytes = 256 * 1024;

Json declined() { return Json{{"action", "decline"}}; }

} // namespace

Json elicit_from_user(TurnContext& ctx, const Json& params, const std::function<bool()>& abandoned)
{
    if (!params.is_object() || !params.contains("message") || !params["message"].is_string()) return declined();
    const std::string& message = params["message"].get_ref<const std::string&>();
    const Json schema = params.contains("requestedSchema") && params["requestedSchema"].is_object() ? params["requestedSchema"]
                                                                                                      : Json::object();
    if (message.size() > max_message_bytes || schema.dump().size() > max_schema_bytes) return declined();

    const std::string id = "elicit_" + new_message_id().substr(4);
    ctx.services.elicitations.expect(ctx.session_id, id);
    ctx.emit_message(make_message("assistant",
                                  Json::array({Json{{"type", "actionRequired"},
                                                    {"data",
                                                     {{"actionType", "elicitation"},
                                                      {"id", id},
                                                      {"message", message},
                                                      {"requested_schema", schema}}}}}),
                                  true, false));
    const auto user_data = ctx.services.elicitations.wait(ctx.session_id, id, ctx.cancel, abandoned);
    if (!user_data) return Json{{"action", "cancel"}};
    // The desktop sends the form's values (as upstream, an answer accepts); no form at all is a
    // person who declined.
    if (!user_data->is_object()) return declined();
    return Json{{"action", "accept"}, {"content", *user_data}};
}

std::optional<ElicitationAnswer> elicitation_answer_in(const Json& user_message)
{
    if (!user_message.is_object() || !user_message.contains("content") || !user_message["content"].is_array()) return std::nullopt;
    for (const Json& item : user_message["content"]) {
        if (!item.is_object() || item.value("type", std::string()) != "actionRequired") continue;
        if (!item.contains("data") || !item["data"].is_object()) continue;
        const Json& data = item["data"];
        if (data.value("actionType", std::string()) != "elicitationResponse") continue;
        if (!data.contains("id") || !data["id"].is_string() || data["id"].get_ref<const std::string&>().empty())
            throw unprocessable("field `user_message.content[].data.id` of an elicitationResponse must be a non-empty string");
        return ElicitationAnswer{data["id"], data.contains("user_data") ? data["user_data"] : Json()};
    }
    return std::nullopt;
}

} // namespace gaggle
