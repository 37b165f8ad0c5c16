#include "store/message_facts.hpp"

#include "common/error.hpp"

namespace gaggle {

namespace {

void add_text(std::string& out, const Json& value) {
    if (!value.is_string()) return;
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty()) return;
    if (!out.empty()) out += '\n';
    out += s;
}

// {"status":"success","value":{"name":..,"arguments":{..}}}: the name and every string
// argument value (commands, paths, queries) — what a user remembers about a tool call.
void add_tool_call(std::string& out, const Json& tool_call) {
    if (!tool_call.is_object()) return;
    auto value = tool_call.find("value");
    if (value == tool_call.end() || !value->is_object()) return;
    if (auto name = value->find("name"); name != value->end()) add_text(out, *name);
    auto args = value->find("arguments");
    if (args == value->end() || !args->is_object()) return;
    for (const auto& [key, arg] : args->items()) add_text(out, arg);
}

bool optional_bool(const Json& object, const char* key, const char* field) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_boolean()) throw invalid_argument(std::string(field) + " must be a boolean");
    return it->get<bool>();
}

} // namespace

std::string extract_search_text(const Json& message) {
    std::string out;
    if (!message.is_object()) return out;
    auto content = message.find("content");
    if (content == message.end() || !content->is_array()) return out;
    for (const auto& item : *content) {
        if (!item.is_object()) continue;
        auto type = item.find("type");
        if (type == item.end() || !type->is_string()) continue;
        const auto& t = type->get_ref<const std::string&>();
        if (t == "text" || t == "reasoning") {
            if (auto it = item.find("text"); it != item.end()) add_text(out, *it);
        } else if (t == "thinking") {
            if (auto it = item.find("thinking"); it != item.end()) add_text(out, *it);
        } else if (t == "toolRequest" || t == "frontendToolRequest") {
            if (auto it = item.find("toolCall"); it != item.end()) add_tool_call(out, *it);
        }
    }
    return out;
}

std::string to_stored_json(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

MessageFacts inspect_message(const Json& message, std::int64_t fallback_created) {
    if (!message.is_object()) throw invalid_argument("message must be a JSON object");
    MessageFacts facts;

    auto role = message.find("role");
    if (role == message.end() || !role->is_string())
        throw invalid_argument("message.role must be \"user\" or \"assistant\"");
    facts.role = role->get<std::string>();
    if (facts.role != "user" && facts.role != "assistant")
        throw invalid_argument("message.role must be \"user\" or \"assistant\"");

    auto content = message.find("content");
    if (content == message.end() || !content->is_array())
        throw invalid_argument("message.content must be an array");
    for (const auto& item : *content) {
        auto type = item.is_object() ? item.find("type") : item.end();
        if (!item.is_object() || type == item.end() || !type->is_string())
            throw invalid_argument("message.content items must be objects with a string \"type\"");
    }

    if (auto id = message.find("id"); id != message.end() && !id->is_null()) {
        if (!id->is_string()) throw invalid_argument("message.id must be a string or null");
        facts.message_id = id->get<std::string>();
    }

    facts.created = fallback_created;
    if (auto created = message.find("created"); created != message.end() && !created->is_null()) {
        if (!created->is_number_integer())
            throw invalid_argument("message.created must be an integer (unix seconds)");
        facts.created = created->get<std::int64_t>();
    }

    if (auto meta = message.find("metadata"); meta != message.end() && !meta->is_null()) {
        if (!meta->is_object()) throw invalid_argument("message.metadata must be an object");
        facts.user_visible = optional_bool(*meta, "userVisible", "message.metadata.userVisible");
        facts.agent_visible = optional_bool(*meta, "agentVisible", "message.metadata.agentVisible");
    }

    if (facts.user_visible) facts.search_text = extract_search_text(message);
    return facts;
}

} // namespace gaggle
