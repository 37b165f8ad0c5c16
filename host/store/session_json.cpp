#include "store/session_json.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"
#include "store/timestamps.hpp"

namespace gaggle {

namespace {

template <class T>
Json or_null(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

// Everything before "conversation" in upstream's field order.
Json head(const SessionInfo& s) {
    Json j = Json::object();
    j["id"] = s.id;
    j["working_dir"] = s.working_dir;
    j["name"] = s.name;
    j["user_set_name"] = s.user_set_name;
    j["session_type"] = s.session_type;
    j["created_at"] = format_rfc3339_utc(s.created_at_ms);
    j["updated_at"] = format_rfc3339_utc(s.updated_at_ms);
    j["extension_data"] = s.extension_data;
    j["total_tokens"] = or_null(s.tokens.total);
    j["input_tokens"] = or_null(s.tokens.input);
    j["output_tokens"] = or_null(s.tokens.output);
    j["accumulated_total_tokens"] = or_null(s.tokens.accumulated_total);
    j["accumulated_input_tokens"] = or_null(s.tokens.accumulated_input);
    j["accumulated_output_tokens"] = or_null(s.tokens.accumulated_output);
    j["schedule_id"] = or_null(s.schedule_id);
    j["recipe"] = or_null(s.recipe);
    j["user_recipe_values"] = or_null(s.user_recipe_values);
    return j;
}

void tail(Json& j, const SessionInfo& s) {
    j["message_count"] = s.message_count;
    j["provider_name"] = or_null(s.provider_name);
    j["model_config"] = or_null(s.model_config);
    // goosed 1.34's Session field; left out while the session is not archived, as 1.24 has none.
    if (s.archived_at_ms) j["archived_at"] = format_rfc3339_utc(*s.archived_at_ms);
}

const Json* field(const Json& doc, const char* key) {
    auto it = doc.find(key);
    return it == doc.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const Json& doc, const char* key, std::string fallback) {
    const Json* v = field(doc, key);
    if (!v) return fallback;
    if (!v->is_string()) throw invalid_argument(std::string(key) + " must be a string");
    return v->get<std::string>();
}

std::optional<std::string> optional_string(const Json& doc, const char* key) {
    if (!field(doc, key)) return std::nullopt;
    return string_field(doc, key, {});
}

std::optional<std::int64_t> optional_int(const Json& doc, const char* key) {
    const Json* v = field(doc, key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) throw invalid_argument(std::string(key) + " must be an integer");
    return v->get<std::int64_t>();
}

std::optional<Json> optional_object(const Json& doc, const char* key) {
    const Json* v = field(doc, key);
    if (!v) return std::nullopt;
    if (!v->is_object()) throw invalid_argument(std::string(key) + " must be an object");
    return *v;
}

std::int64_t time_field(const Json& doc, const char* key) {
    const Json* v = field(doc, key);
    if (!v) return 0;
    if (!v->is_string()) throw invalid_argument(std::string(key) + " must be an RFC 3339 date-time");
    auto ms = parse_rfc3339(v->get_ref<const std::string&>());
    if (!ms) throw invalid_argument(std::string(key) + " must be an RFC 3339 date-time");
    return *ms;
}

} // namespace

Json session_to_json(const SessionInfo& info) {
    Json j = head(info);
    j["conversation"] = nullptr;
    tail(j, info);
    return j;
}

Json session_to_json(const SessionInfo& info, const std::vector<std::string>& conversation) {
    Json j = head(info);
    Json& messages = j["conversation"] = Json::array();
    for (const auto& text : conversation) messages.push_back(Json::parse(text));
    tail(j, info);
    return j;
}

std::string session_to_json_text(const SessionInfo& info, const std::vector<std::string>& conversation) {
    std::size_t size = 64;
    for (const auto& m : conversation) size += m.size() + 1;
    std::string out = head(info).dump();  // "{...}" and never empty: it always has "id"
    out.pop_back();                       // reopen the object
    out.reserve(out.size() + size + 256);
    out += ",\"conversation\":[";
    for (std::size_t i = 0; i < conversation.size(); ++i) {
        if (i) out += ',';
        out += conversation[i];
    }
    out += "],";
    Json rest = Json::object();
    tail(rest, info);
    const std::string rest_text = rest.dump();
    out.append(rest_text, 1, std::string::npos);  // drop its "{", keep its "}"
    return out;
}

ParsedSession session_from_json(const Json& doc) {
    if (!doc.is_object()) throw invalid_argument("session must be a JSON object");
    ParsedSession parsed;
    SessionInfo& s = parsed.info;
    s.name = string_field(doc, "name", string_field(doc, "description", "New Chat"));
    if (const Json* v = field(doc, "user_set_name")) {
        if (!v->is_boolean()) throw invalid_argument("user_set_name must be a boolean");
        s.user_set_name = v->get<bool>();
    }
    s.working_dir = string_field(doc, "working_dir", {});
    s.session_type = string_field(doc, "session_type", "user");
    s.created_at_ms = time_field(doc, "created_at");
    s.updated_at_ms = time_field(doc, "updated_at");
    s.extension_data = optional_object(doc, "extension_data").value_or(Json::object());
    s.tokens.total = optional_int(doc, "total_tokens");
    s.tokens.input = optional_int(doc, "input_tokens");
    s.tokens.output = optional_int(doc, "output_tokens");
    s.tokens.accumulated_total = optional_int(doc, "accumulated_total_tokens");
    s.tokens.accumulated_input = optional_int(doc, "accumulated_input_tokens");
    s.tokens.accumulated_output = optional_int(doc, "accumulated_output_tokens");
    s.schedule_id = optional_string(doc, "schedule_id");
    s.recipe = optional_object(doc, "recipe");
    s.user_recipe_values = optional_object(doc, "user_recipe_values");
    s.provider_name = optional_string(doc, "provider_name");
    s.model_config = optional_object(doc, "model_config");

    if (const Json* conv = field(doc, "conversation")) {
        if (!conv->is_array()) throw invalid_argument("conversation must be an array of messages");
        parsed.conversation.assign(conv->begin(), conv->end());
    }
    s.message_count = static_cast<std::int64_t>(parsed.conversation.size());
    return parsed;
}

Json insights_to_json(const SessionInsights& insights) {
    Json j = Json::object();
    j["totalSessions"] = insights.total_sessions;
    j["totalTokens"] = insights.total_tokens;
    return j;
}

ParsedSession session_from_export_text(std::string_view text, const std::string& field)
{
    const Json document = parse_untrusted_json(text, "`" + field + "` (the session export)");
    if (!document.is_object()) throw invalid_argument("`" + field + "` must hold a session object");
    return session_from_json(document);
}

} // namespace gaggle
