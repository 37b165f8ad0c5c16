#pragma once
// The final-output tool of a recipe with `response.json_schema`: recipe__final_output takes the
// task's result as its arguments, checked against that schema. A valid result is kept in the
// session's extension_data under "final_output.v0" ({"output": ...}) and ends the turn; an
// invalid one is an error the model sees (which field, what was wrong) so it can try again. The
// loop nudges a model that stops without calling it (agent_loop.cpp).
#include "agent/tool_source.hpp"

#include <optional>

namespace gaggle {

inline constexpr const char* final_output_tool_name = "recipe__final_output";
inline constexpr const char* final_output_key = "final_output.v0";

class FinalOutputTool final : public ToolSource {
public:
    explicit FinalOutputTool(Json schema) : schema_(std::move(schema)) {}
    const std::string& extension_name() const override;
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;

private:
    const Json schema_;
};

// The recipe's response.json_schema when it is an object schema; nullopt otherwise.
std::optional<Json> recipe_response_schema(const SessionInfo& session);

} // namespace gaggle
