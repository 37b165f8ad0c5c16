#pragma once
// What the /recipes routes and /agent/start ask of the recipe library: manifests with their
// slash command and schedule, recipes by id, saving, deleting and binding. The library folders are
// read on every call (they are small and the user edits them by hand), so there is no id cache to
// go stale. Thread-safe: no state of its own besides the KvStore's.
#include "common/json.hpp"
#include "config/config.hpp"
#include "recipe/recipe_bindings.hpp"
#include "recipe/recipe_library.hpp"

#include <optional>
#include <string>

namespace gaggle {

class RecipeService {
public:
    RecipeService(const Config& config, KvStore& kv) : config_(config), bindings_(kv) {}

    // RecipeManifest[] as the API sends it: {id, recipe, file_path, last_modified, schedule_cron,
    // slash_command}, newest first.
    Json manifests() const;
    // The library file with this id; not_found("Recipe not found: <id>") otherwise.
    RecipeFile by_id(const std::string& id) const;
    // Validates, refuses hidden characters (400), writes; `id` overwrites that recipe (404 if unknown).
    SavedRecipe save(const Json& recipe, const std::optional<std::string>& id) const;
    // Both take the recipe the caller already looked up with by_id, so the library is read once.
    void remove(const RecipeFile& recipe);
    void set_schedule(const RecipeFile& recipe, const std::optional<std::string>& cron);
    void set_slash_command(const std::string& id, const std::optional<std::string>& command);
    std::vector<RecipeSlashCommand> slash_commands() const { return bindings_.slash_commands(); }

    RecipeDirectories directories() const;

private:
    const Config& config_;
    RecipeBindings bindings_;
};

} // namespace gaggle
