#pragma once
// An MCP CallToolResult holding one text item: what the in-host platform extensions answer.
#include "common/json.hpp"

#include <string>

namespace gaggle {

inline Json tool_text_result(const std::string& text, bool is_error = false)
{
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}, {"isError", is_error}};
}

} // namespace gaggle
