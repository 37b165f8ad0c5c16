#include "config/canonical_models.hpp"

#include <vector>

namespace gaggle {
namespace {

const char* const table_text =
#include "config/data/canonical_models.inc"
    ;

const Json& table()
{
    static const Json parsed = Json::parse(table_text);
    return parsed;
}

Json info(const Json& row, const std::string& provider, const std::string& model)
{
    auto per_token = [&](const char* key) { return row.contains(key) ? Json(row[key].get<double>() / 1e6) : Json(nullptr); };
    return Json{{"provider", provider},
                {"model", model},
                {"context_limit", row["context_limit"]},
                {"max_output_tokens", row.contains("max_output_tokens") ? row["max_output_tokens"] : Json(nullptr)},
                {"input_token_cost", per_token("input")},
                {"output_token_cost", per_token("output")},
                {"cache_read_token_cost", per_token("cache_read")},
                {"cache_write_token_cost", per_token("cache_write")},
                {"currency", "$"}};
}

} // namespace

std::optional<Json> canonical_model_info(const std::string& provider, const std::string& model)
{
    for (const auto& row : table())
        if (row["provider"] == provider && row["model"] == model) return info(row, provider, model);
    for (const auto& row : table())
        if (row["model"] == model) return info(row, provider, model);
    const Json* best = nullptr;
    size_t best_len = 0;
    for (const auto& row : table()) {
        const std::string& m = row["model"].get_ref<const std::string&>();
        if (model.size() > m.size() && model.compare(0, m.size(), m) == 0 && (model[m.size()] == '-' || model[m.size()] == ':') &&
            m.size() > best_len) {
            best = &row;
            best_len = m.size();
        }
    }
    if (best) return info(*best, provider, model);
    return std::nullopt;
}

Json canonical_model_limits()
{
    Json out = Json::array();
    for (const auto& row : table()) out.push_back(Json{{"pattern", row["model"]}, {"context_limit", row["context_limit"]}});
    return out;
}

} // namespace gaggle
