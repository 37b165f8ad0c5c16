#pragma once
// The recipe library: the recipe files the server knows, where it looks for them, their stable
// ids, and saving and deleting them. Directories, as upstream searches them (goosed-api.md §2.4):
// each entry of GOOSE_RECIPE_PATH (`:`-separated), the global library
// `$GOOSE_PATH_ROOT/config/recipes` (or ~/.config/goose/recipes), then `<cwd>/.goose/recipes`.
// Files are *.yaml, *.yml and *.json; a file that does not parse as a recipe is skipped with a
// log line, never fatal. These are plain functions so the scheduler can load recipes too.
#include "common/json.hpp"
#include "config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct RecipeDirectories {
    std::vector<std::filesystem::path> search; // in search order, global included
    std::filesystem::path global;              // where /recipes/save writes new recipes
};

RecipeDirectories recipe_directories(const Config& config, const std::filesystem::path& cwd);

struct RecipeFile {
    std::string id;                  // recipe_id_for_path(path)
    std::filesystem::path path;
    Json recipe;                     // validated, sub_recipes paths resolved against the file's folder
    std::string last_modified;       // RFC 3339, UTC
};

// Every readable recipe in the directories, newest first. Bounded: at most 2,000 files per folder.
std::vector<RecipeFile> list_recipe_files(const RecipeDirectories& dirs);

// The file with this id, if any folder holds it.
std::optional<RecipeFile> find_recipe_by_id(const RecipeDirectories& dirs, const std::string& id);

// Reads, parses and validates one recipe file (not rendered: parameters stay templates); relative
// sub-recipe paths become absolute against the file's folder. Throws invalid_argument naming the
// file, field and line; not_found when the file is missing.
RecipeFile load_recipe_file(const std::filesystem::path& path);

struct SavedRecipe {
    std::string id;
    std::string file_name;
    std::filesystem::path file_path;
};

// Writes the recipe as YAML: over `existing` when given, else as a new file in the global library
// named after the title ("Daily report" -> daily-report.yaml, then daily-report-2.yaml, ...).
// The write is atomic (a temporary file renamed over the target).
SavedRecipe save_recipe_file(const RecipeDirectories& dirs, const Json& recipe,
                             const std::optional<std::filesystem::path>& existing);

} // namespace gaggle
