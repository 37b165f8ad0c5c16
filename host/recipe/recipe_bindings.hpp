#pragma once
// What is attached to a library recipe besides its file: a slash command (`/standup` runs it)
// and a cron schedule. Kept per recipe file path in the host's key-value store (namespace
// "gaggle.recipes"), so they survive restarts and are shared by instances on one store.
// Upstream keeps slash commands in config.yaml (`slash_commands`) and crons in the scheduler's
// schedule.json; here the config file stays the user's, and the scheduler plugin (SDK 1.1) reads
// the crons it is asked to run from its own jobs. Thread-safe as the KvStore is.
#include "store/kv_store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct RecipeSlashCommand {
    std::string command;     // normalised: no leading '/', lower case
    std::string recipe_path;
};

class RecipeBindings {
public:
    explicit RecipeBindings(KvStore& kv) : kv_(kv) {}

    std::optional<std::string> slash_command(const std::string& recipe_path) const;
    // nullopt or an empty command removes it. Throws invalid_argument for a builtin's name and
    // conflict when another recipe has the command.
    void set_slash_command(const std::string& recipe_path, const std::optional<std::string>& command);
    std::vector<RecipeSlashCommand> slash_commands() const;

    std::optional<std::string> schedule_cron(const std::string& recipe_path) const;
    // nullopt removes it. Throws invalid_argument when the text is not a cron expression
    // (5 fields, or 6 with seconds first as upstream writes them, or an @daily-style macro).
    void set_schedule_cron(const std::string& recipe_path, const std::optional<std::string>& cron);

    // The scheduler plugin's job that runs the recipe on its cron (recipe_jobs.hpp).
    std::optional<std::string> schedule_job(const std::string& recipe_path) const;
    void set_schedule_job(const std::string& recipe_path, const std::optional<std::string>& job_id);

    // Drops everything attached to a recipe (when its file is deleted).
    void forget(const std::string& recipe_path);

    static constexpr const char* kv_namespace = "gaggle.recipes";

private:
    KvStore& kv_;
};

// Throws invalid_argument unless `cron` has the shape of a cron expression (the scheduler
// parses it fully when it runs it).
void check_cron_shape(const std::string& cron);

} // namespace gaggle
