#include "agent/platform/final_output_tool.hpp"

#include "agent/platform/tool_text_result.hpp"
#include "common/json_schema_check.hpp"

namespace gaggle {

const std::string& FinalOutputTool::extension_name() const
{
    static const std::string name = "recipe";
    return name;
}

std::vector<ToolSpec> FinalOutputTool::list_tools()
{
    // A tool's input schema must describe an object; a recipe asking for another shape gets its
    // result wrapped as {"output": ...}.
    Json input = schema_;
    if (input.value("type", Json()) != "object") input = Json{{"type", "object"}, {"properties", {{"output", schema_}}}, {"required", {"output"}}};
    return {ToolSpec{"final_output",
                     "Give the final result of this task, as the recipe's response schema describes. Call it once, when "
                     "the work is done; the task ends with it.",
                     std::move(input), false}};
}

Json FinalOutputTool::call_tool(const ToolContext& ctx, const std::string& tool, const Json& arguments)
{
    if (tool != "final_output") return tool_text_result("Unknown tool recipe__" + tool, true);
    const bool wrapped = schema_.value("type", Json()) != "object";
    if (wrapped && (!arguments.is_object() || !arguments.contains("output")))
        return tool_text_result("final_output needs its result in the argument `output`.", true);
    const Json& output = wrapped ? arguments["output"] : arguments;
    if (const std::string problem = json_schema_problem(output, schema_); !problem.empty())
        return tool_text_result("The final output does not match the response schema: " + problem + ". Call final_output again with a corrected result.", true);
    SessionPatch patch;
    patch.extension_data_merge = Json{{final_output_key, {{"output", output}}}};
    ctx.store->update_session(ctx.owner, ctx.session_id, patch);
    return tool_text_result("Final output recorded:\n" + output.dump(2));
}

std::optional<Json> recipe_response_schema(const SessionInfo& session)
{
    if (!session.recipe || !session.recipe->is_object()) return std::nullopt;
    auto response = session.recipe->find("response");
    if (response == session.recipe->end() || !response->is_object()) return std::nullopt;
    auto schema = response->find("json_schema");
    if (schema == response->end() || !schema->is_object() || schema->empty()) return std::nullopt;
    return *schema;
}

} // namespace gaggle
