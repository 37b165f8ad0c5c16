#include "gaggle_providers/tool_calls.hpp"

#include <random>

namespace gaggle::providers {

void emit_tool_call(Emitter& out, std::string_view id, std::string_view name, std::string_view arguments_text)
{
    std::string_view text = arguments_text;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t' || text.front() == '\r'))
        text.remove_prefix(1);
    if (text.empty()) {
        out.tool_call(id, name, Json::object());
        return;
    }
    if (sdk::json_nests_deeper_than(text)) {
        out.tool_call_error(id, name,
                            "tool call arguments nest deeper than " + std::to_string(sdk::max_json_depth) + " levels");
        return;
    }
    try {
        Json args = Json::parse(text);
        if (!args.is_object()) {
            out.tool_call_error(id, name, "tool call arguments are not a JSON object: " + excerpt(arguments_text, 200));
            return;
        }
        out.tool_call(id, name, args);
    } catch (const Json::exception& e) { // parse_error, or out_of_range for a number like 1e400
        out.tool_call_error(id, name,
                            "could not parse tool call arguments as JSON (" + std::string(e.what()) + "): " +
                                excerpt(arguments_text, 200));
    }
}

std::string new_tool_call_id()
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* digits = "0123456789abcdef";
    std::string id = "call_";
    for (int i = 0; i < 24; ++i) id += digits[rng() % 16];
    return id;
}

void ToolCallAssembler::add(int index, std::string_view id, std::string_view name, std::string_view arguments_piece)
{
    Call& call = calls_[index];
    if (!id.empty()) call.id = id;
    if (!name.empty() && call.name.empty()) call.name = name; // sent once; some servers repeat it
    call.arguments.append(arguments_piece);
}

int ToolCallAssembler::index_without_position(std::string_view id) const
{
    for (const auto& [index, call] : calls_)
        if (!id.empty() && call.id == id) return index;
    if (calls_.empty()) return 0;
    const int last = calls_.rbegin()->first;
    return id.empty() ? last : last + 1;
}

void ToolCallAssembler::emit_all(Emitter& out)
{
    for (auto& [index, call] : calls_) {
        if (call.id.empty()) call.id = new_tool_call_id();
        emit_tool_call(out, call.id, call.name, call.arguments);
    }
    calls_.clear();
}

} // namespace gaggle::providers
