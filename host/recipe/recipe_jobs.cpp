#include "recipe/recipe_jobs.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"
#include "http/error_mapping.hpp"
#include "plugin/feature_host.hpp"

#include <cctype>

namespace gaggle {
namespace {

// How many "<name>_<n>" ids are tried when the recipe's name is taken by another job.
constexpr int max_id_attempts = 50;

// A plugin's answer is outside input too: parsed with the depth bound; unreadable is null.
Json parsed(const FeatureReply& reply)
{
    try {
        return parse_untrusted_json(reply.body, "the scheduler's answer");
    } catch (const Error&) {
        return Json();
    }
}

std::string message_of(const FeatureReply& reply)
{
    const Json j = parsed(reply);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    return "the scheduler answered " + std::to_string(reply.status);
}

Error unavailable_scheduler() { return {ErrorKind::unavailable, "no scheduler plugin is running in this server"}; }

// The plugin's answer, or its refusal as an Error of the same status.
FeatureReply expect_success(std::optional<FeatureReply> reply)
{
    if (!reply) throw unavailable_scheduler();
    if (reply->status >= 400) throw Error(error_kind_for_status(reply->status), message_of(*reply));
    return std::move(*reply);
}

Json job_of(const FeatureReply& reply)
{
    Json j = parsed(reply);
    return j.is_object() ? j : Json();
}

} // namespace

std::string job_id_for_recipe_file(const std::filesystem::path& path)
{
    std::string id;
    for (char c : path.stem().string()) {
        if (id.size() >= 100) break;
        const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_';
        id += allowed ? c : '_';
    }
    return id.empty() ? std::string("recipe") : id;
}

bool RecipeJobs::scheduler_present() const
{
    return features_.serves("POST", "/schedule/create");
}

std::optional<Json> RecipeJobs::apply(const RecipeFile& recipe, const std::optional<std::string>& cron,
                                      const std::string& user_id)
{
    const std::string path = recipe.path.string();
    const auto bound = bindings_.schedule_job(path);
    if (!cron) {
        if (bound) {
            auto reply = features_.call("DELETE", "/schedule/delete/" + *bound, "", user_id);
            // Gone already (deleted through /schedule/delete) is what was asked.
            if (reply && reply->status >= 400 && reply->status != 404) expect_success(std::move(reply));
            bindings_.set_schedule_job(path, std::nullopt);
        }
        return std::nullopt;
    }
    if (!scheduler_present()) return std::nullopt;

    if (bound) {
        auto reply = features_.call("PUT", "/schedule/" + *bound, Json{{"cron", *cron}, {"recipe", recipe.recipe}}.dump(), user_id);
        if (!reply || reply->status != 404) return job_of(expect_success(std::move(reply)));
        // The job was deleted behind the recipe's back: create it again below.
    }
    const std::string base = job_id_for_recipe_file(recipe.path);
    for (int n = 1; n <= max_id_attempts; ++n) {
        const std::string id = n == 1 ? base : base + "_" + std::to_string(n);
        auto reply = features_.call("POST", "/schedule/create", Json{{"id", id}, {"cron", *cron}, {"recipe", recipe.recipe}}.dump(), user_id);
        if (reply && reply->status == 409) continue; // another job has that id
        Json job = job_of(expect_success(std::move(reply)));
        bindings_.set_schedule_job(path, id);
        return job;
    }
    throw conflict("every scheduler job id from '" + base + "' to '" + base + "_" + std::to_string(max_id_attempts) + "' is taken");
}

std::optional<std::string> RecipeJobs::refresh(const RecipeFile& recipe, const std::string& user_id)
{
    const auto bound = bindings_.schedule_job(recipe.path.string());
    const auto cron = bindings_.schedule_cron(recipe.path.string());
    if (!bound || !cron) return std::nullopt;
    try {
        apply(recipe, cron, user_id);
        return std::nullopt;
    } catch (const Error& e) {
        return "the recipe is saved, but its scheduled job '" + *bound + "' still runs the previous text: " + e.what();
    }
}

void RecipeJobs::forget(const RecipeFile& recipe, const std::string& user_id)
{
    if (bindings_.schedule_job(recipe.path.string())) apply(recipe, std::nullopt, user_id);
}

} // namespace gaggle
