#include "agent/platform/chatrecall_extension.hpp"

#include "agent/messages.hpp"
#include "agent/platform/tool_text_result.hpp"
#include "common/error.hpp"

#include <algorithm>

namespace gaggle {
namespace {

constexpr std::size_t max_results = 20;
constexpr std::size_t excerpt_chars_per_message = 600;
constexpr std::size_t excerpt_chars_total = 12 * 1024;

Json search_sessions(const ToolContext& ctx, const Json& arguments)
{
    if (!arguments.is_object() || !arguments.contains("query") || !arguments["query"].is_string() ||
        arguments["query"].get<std::string>().empty())
        return tool_text_result("search_sessions needs a non-empty string argument `query`.", true);
    SearchQuery query;
    query.text = arguments["query"].get<std::string>().substr(0, 1000);
    query.limit = max_results + 1; // room for the calling session, which is left out
    if (auto l = arguments.find("limit"); l != arguments.end() && l->is_number_integer())
        query.limit = static_cast<std::size_t>(std::clamp<std::int64_t>(l->get<std::int64_t>(), 1, max_results)) + 1;
    std::string out;
    std::size_t found = 0;
    for (const auto& s : ctx.store->search(ctx.owner, query)) {
        if (s.id == ctx.session_id || found + 1 >= query.limit) continue;
        ++found;
        out += "- " + s.id + ": \"" + s.name + "\" (" + std::to_string(s.message_count) + " messages, working dir " +
               s.working_dir + ")\n";
    }
    if (!found) return tool_text_result("No earlier session mentions \"" + query.text + "\".");
    return tool_text_result("Sessions that mention \"" + query.text + "\", newest first (read one with chatrecall__read_session):\n" + out);
}

Json read_session(const ToolContext& ctx, const Json& arguments)
{
    if (!arguments.is_object() || !arguments.contains("session_id") || !arguments["session_id"].is_string())
        return tool_text_result("read_session needs a string argument `session_id`.", true);
    const std::string id = arguments["session_id"].get<std::string>();
    SessionInfo info;
    try {
        info = ctx.store->get_session(ctx.owner, id); // another user's session is not found
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found) return tool_text_result("No session " + id + ".", true);
        throw;
    }
    std::string out = "Session " + id + " \"" + info.name + "\" (working dir " + info.working_dir + "):\n";
    bool truncated = false;
    ctx.store->for_each_message(ctx.owner, id, [&](std::string_view raw, bool) {
        if (out.size() >= excerpt_chars_total) {
            truncated = true;
            return;
        }
        const Json m = Json::parse(raw, nullptr, false);
        if (m.is_discarded() || !m.value("metadata", Json::object()).value("userVisible", true)) return;
        std::string text = message_text(m);
        if (text.empty()) return;
        if (text.size() > excerpt_chars_per_message) text = text.substr(0, excerpt_chars_per_message) + " [...]";
        out += "[" + m.value("role", std::string("user")) + "]: " + text + "\n";
    });
    if (truncated) out += "[later messages left out]\n";
    return tool_text_result(out);
}

} // namespace

const std::string& ChatRecallExtension::extension_name() const
{
    static const std::string name = "chatrecall";
    return name;
}

std::vector<ToolSpec> ChatRecallExtension::list_tools()
{
    return {
        ToolSpec{"search_sessions",
                 "Search the user's earlier sessions for words; returns matching sessions, newest first.",
                 Json{{"type", "object"},
                      {"properties",
                       {{"query", {{"type", "string"}, {"description", "Words to look for"}}},
                        {"limit", {{"type", "integer"}, {"description", "At most this many sessions (1-20)"}}}}},
                      {"required", Json::array({"query"})}},
                 true},
        ToolSpec{"read_session",
                 "Read an excerpt of one earlier session's conversation (its visible text, trimmed).",
                 Json{{"type", "object"},
                      {"properties", {{"session_id", {{"type", "string"}, {"description", "A session id from search_sessions"}}}}},
                      {"required", Json::array({"session_id"})}},
                 true},
    };
}

Json ChatRecallExtension::call_tool(const ToolContext& ctx, const std::string& tool, const Json& arguments)
{
    if (tool == "search_sessions") return search_sessions(ctx, arguments);
    if (tool == "read_session") return read_session(ctx, arguments);
    return tool_text_result("Unknown tool chatrecall__" + tool, true);
}

} // namespace gaggle
