#include "config/provider_templates.hpp"

namespace gaggle {
namespace {

const char* const table_text =
#include "config/data/provider_templates.inc"
    ;

const Json& table()
{
    static const Json parsed = Json::parse(table_text);
    return parsed;
}

Json model_template(const Json& row)
{
    return Json{{"id", row["id"]},
                {"name", row["name"]},
                {"context_limit", row["context_limit"]},
                {"capabilities",
                 {{"tool_call", row.value("tool_call", false)},
                  {"reasoning", row.value("reasoning", false)},
                  {"attachment", row.value("attachment", false)},
                  {"temperature", row.value("temperature", true)}}},
                {"deprecated", row.value("deprecated", false)}};
}

} // namespace

bool known_provider_format(const std::string& format)
{
    return format == "openai" || format == "anthropic" || format == "ollama";
}

Json provider_catalog(const std::string& format)
{
    Json out = Json::array();
    for (const auto& row : table()) {
        if (row["format"] != format) continue;
        out.push_back(Json{{"id", row["id"]},
                           {"name", row["name"]},
                           {"format", row["format"]},
                           {"api_url", row["api_url"]},
                           {"model_count", row["models"].size()},
                           {"doc_url", row["doc_url"]},
                           {"env_var", row["env_var"]}});
    }
    return out;
}

std::optional<Json> provider_template(const std::string& id)
{
    for (const auto& row : table()) {
        if (row["id"] != id) continue;
        Json models = Json::array();
        for (const auto& m : row["models"]) models.push_back(model_template(m));
        return Json{{"id", row["id"]},         {"name", row["name"]},       {"format", row["format"]},
                    {"api_url", row["api_url"]}, {"models", models},          {"supports_streaming", row["supports_streaming"]},
                    {"env_var", row["env_var"]}, {"doc_url", row["doc_url"]}};
    }
    return std::nullopt;
}

} // namespace gaggle
