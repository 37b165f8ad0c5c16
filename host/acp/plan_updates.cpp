#include "acp/plan_updates.hpp"

#include "acp/json_fields.hpp"

#include <cctype>
#include <string_view>

namespace gaggle::acp {
namespace {

constexpr std::size_t max_entries = 200;
constexpr const char* todo_write_tool = "todo__todo_write";

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The text after a list marker ("- ", "* ", "+ ", "12. ", "3) "), or nullopt for a line that is
// not a list item.
std::optional<std::string_view> list_item(std::string_view line)
{
    line = trim(line);
    if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') return line.substr(2);
    std::size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ')
        return line.substr(digits + 2);
    return std::nullopt;
}

Json plan_entry(std::string_view item)
{
    std::string status = "pending";
    item = trim(item);
    if (item.size() >= 3 && item[0] == '[' && item[2] == ']') {
        const char box = item[1];
        if (box == 'x' || box == 'X') status = "completed";
        else if (box == '~' || box == '-' || box == '/') status = "in_progress";
        if (box == ' ' || status != "pending") item = trim(item.substr(3));
    }
    return Json{{"content", std::string(item)}, {"priority", "medium"}, {"status", status}};
}

} // namespace

Json plan_update(const std::string& task_list)
{
    Json entries = Json::array();
    std::string_view rest(task_list);
    while (!rest.empty() && entries.size() < max_entries) {
        const auto end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (auto item = list_item(line))
            if (Json entry = plan_entry(*item); !entry["content"].get_ref<const std::string&>().empty()) entries.push_back(std::move(entry));
    }
    return Json{{"sessionUpdate", "plan"}, {"entries", std::move(entries)}};
}

std::optional<Json> PlanTracker::after(const Json& message)
{
    if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) return std::nullopt;
    std::optional<Json> due;
    for (const auto& item : message["content"]) {
        if (!item.is_object()) continue;
        const std::string type = string_or_empty(item, "type");
        if (type == "toolRequest") {
            const Json& call = item.value("toolCall", Json::object());
            const Json& value = call.is_object() ? call.value("value", Json::object()) : Json::object();
            if (!value.is_object() || string_or_empty(value, "name") != todo_write_tool) continue;
            const Json& arguments = value.value("arguments", Json::object());
            if (arguments.is_object() && arguments.contains("content") && arguments["content"].is_string())
                writes_[string_or_empty(item, "id")] = arguments["content"].get<std::string>();
        } else if (type == "toolResponse") {
            auto write = writes_.find(string_or_empty(item, "id"));
            if (write == writes_.end()) continue;
            const Json& result = item.value("toolResult", Json::object());
            bool ok = result.is_object() && string_or_empty(result, "status") == "success" && result.contains("value") &&
                      result["value"].is_object();
            if (ok) {
                auto e = result["value"].find("isError");
                ok = e == result["value"].end() || !e->is_boolean() || !e->get<bool>();
            }
            if (ok) due = plan_update(write->second); // the last successful write in the message wins
            writes_.erase(write);
        }
    }
    return due;
}

} // namespace gaggle::acp
