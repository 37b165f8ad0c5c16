#pragma once
// A library recipe's cron as a job of the scheduler feature plugin. The host drives the plugin
// through its own /schedule routes (FeatureHost::call), so the plugin stays the only owner of
// jobs and the host knows nothing of how it stores or fires them. As upstream's schedule_recipe:
// the first cron creates a job named after the recipe file, a new cron updates it, no cron
// deletes it. The job id is kept beside the cron in RecipeBindings; the job runs a copy of the
// recipe, refreshed when the recipe is saved again. Thread-safe as the KvStore is.
#include "common/json.hpp"
#include "recipe/recipe_bindings.hpp"
#include "recipe/recipe_library.hpp"

#include <optional>
#include <string>

namespace gaggle {

class FeatureHost;

class RecipeJobs {
public:
    RecipeJobs(const FeatureHost& features, KvStore& kv) : features_(features), bindings_(kv) {}

    // Whether a started feature serves the scheduler's routes.
    bool scheduler_present() const;

    // Makes the recipe's job follow `cron` for `user_id` and returns the job as the plugin shows
    // it (ScheduledJob); nullopt when the cron was removed or no scheduler runs. The plugin's
    // refusals come back as Errors of their status (400 bad cron, 400 while the job runs).
    std::optional<Json> apply(const RecipeFile& recipe, const std::optional<std::string>& cron, const std::string& user_id);

    // After the recipe file was saved again: its job (if any) runs the new text from its next
    // firing. Returns a warning when the job could not take it (it is running), else nullopt.
    std::optional<std::string> refresh(const RecipeFile& recipe, const std::string& user_id);

    // The recipe is being deleted: its job goes too.
    void forget(const RecipeFile& recipe, const std::string& user_id);

private:
    const FeatureHost& features_;
    RecipeBindings bindings_;
};

// A scheduler job id (letters, digits, spaces, '-' and '_', at most 100) from a recipe file name.
std::string job_id_for_recipe_file(const std::filesystem::path& path);

} // namespace gaggle
