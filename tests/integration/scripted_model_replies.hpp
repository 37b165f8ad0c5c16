#pragma once
// Model answers for the scripted provider (OpenAI wire format) that tests of tools keep needing:
// one that calls a tool, one that just says something.
#include <nlohmann/json.hpp>

#include <string>

namespace gaggle::test {

inline nlohmann::json scripted_tool_call(const std::string& id, const std::string& name, const std::string& arguments)
{
    using nlohmann::json;
    return {{"format", "openai"},
            {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", name}, {"arguments", arguments}}}}})},
            {"usage", {{"input_tokens", 10}, {"output_tokens", 5}}}};
}

inline nlohmann::json scripted_text(const std::string& text)
{
    using nlohmann::json;
    return {{"format", "openai"}, {"chunks", json::array({{{"text", text}}})}, {"usage", {{"input_tokens", 10}, {"output_tokens", 5}}}};
}

} // namespace gaggle::test
