#include "recipe/recipe_bindings.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace gaggle {
namespace {

const std::string slash_prefix = "slash_command:";
const std::string cron_prefix = "schedule_cron:";
const std::string job_prefix = "schedule_job:";

// Commands the desktop and the agent already give a meaning to.
const char* const builtin_commands[] = {"clear", "compact", "summarize", "prompt", "prompts", "recipe", "help"};

std::string normalise_command(const std::string& text)
{
    std::string c = text;
    while (!c.empty() && (c.front() == '/' || std::isspace(static_cast<unsigned char>(c.front())))) c.erase(0, 1);
    while (!c.empty() && std::isspace(static_cast<unsigned char>(c.back()))) c.pop_back();
    for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return c;
}

} // namespace

void check_cron_shape(const std::string& cron)
{
    std::istringstream s(cron);
    std::vector<std::string> fields;
    for (std::string f; s >> f;) fields.push_back(f);
    static const char* macros[] = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
    if (fields.size() == 1 && std::find(std::begin(macros), std::end(macros), fields[0]) != std::end(macros)) return;
    if (fields.size() != 5 && fields.size() != 6)
        throw invalid_argument("`cron_schedule` must have 5 fields (minute hour day month weekday), 6 with seconds first, or be a macro such as @daily; got '" + cron + "'");
    for (const auto& f : fields)
        for (char c : f)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '*' || c == '/' || c == ',' || c == '-' || c == '?' || c == '#'))
                throw invalid_argument("`cron_schedule` field '" + f + "' holds '" + std::string(1, c) + "', which no cron field can");
}

std::optional<std::string> RecipeBindings::slash_command(const std::string& recipe_path) const
{
    return kv_.get(kv_namespace, slash_prefix + recipe_path);
}

void RecipeBindings::set_slash_command(const std::string& recipe_path, const std::optional<std::string>& command)
{
    const std::string c = command ? normalise_command(*command) : std::string();
    if (c.empty()) {
        kv_.erase(kv_namespace, slash_prefix + recipe_path);
        return;
    }
    for (char ch : c)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'))
            throw invalid_argument("`slash_command` may hold letters, digits, '-' and '_' only, not '" + c + "'");
    if (std::find(std::begin(builtin_commands), std::end(builtin_commands), c) != std::end(builtin_commands))
        throw invalid_argument("Slash command '" + c + "' conflicts with a built-in command");
    for (const auto& other : slash_commands())
        if (other.command == c && other.recipe_path != recipe_path)
            throw conflict("Slash command '" + c + "' is already bound to " + other.recipe_path);
    kv_.put(kv_namespace, slash_prefix + recipe_path, c);
}

std::vector<RecipeSlashCommand> RecipeBindings::slash_commands() const
{
    std::vector<RecipeSlashCommand> out;
    for (const auto& key : kv_.list_keys(kv_namespace, slash_prefix))
        if (auto c = kv_.get(kv_namespace, key)) out.push_back({*c, key.substr(slash_prefix.size())});
    return out;
}

std::optional<std::string> RecipeBindings::schedule_cron(const std::string& recipe_path) const
{
    return kv_.get(kv_namespace, cron_prefix + recipe_path);
}

void RecipeBindings::set_schedule_cron(const std::string& recipe_path, const std::optional<std::string>& cron)
{
    if (!cron) {
        kv_.erase(kv_namespace, cron_prefix + recipe_path);
        return;
    }
    check_cron_shape(*cron);
    kv_.put(kv_namespace, cron_prefix + recipe_path, *cron);
}

std::optional<std::string> RecipeBindings::schedule_job(const std::string& recipe_path) const
{
    return kv_.get(kv_namespace, job_prefix + recipe_path);
}

void RecipeBindings::set_schedule_job(const std::string& recipe_path, const std::optional<std::string>& job_id)
{
    if (job_id) kv_.put(kv_namespace, job_prefix + recipe_path, *job_id);
    else kv_.erase(kv_namespace, job_prefix + recipe_path);
}

void RecipeBindings::forget(const std::string& recipe_path)
{
    kv_.erase(kv_namespace, slash_prefix + recipe_path);
    kv_.erase(kv_namespace, cron_prefix + recipe_path);
    kv_.erase(kv_namespace, job_prefix + recipe_path);
}

} // namespace gaggle
