#pragma once
// What summon can load or delegate to: the sub-recipes of the session's own recipe (with the
// values the recipe fixes for them) and the recipes of the library the session's working folder
// sees (recipe_library.hpp). A sub-recipe shadows a library recipe of the same name.
#include "config/config.hpp"
#include "store/session_types.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct SummonSource {
    std::string name;        // what the model passes as `source`
    std::string kind;        // "subrecipe" or "recipe"
    std::string description;
    std::filesystem::path path;
    Json values = Json::object(); // a sub-recipe's fixed parameter values (strings)
};

// Sub-recipes first, then the library, each in its own order. Reads the library folders.
std::vector<SummonSource> summon_sources(const SessionInfo& session, const Config& config);
std::optional<SummonSource> find_summon_source(const SessionInfo& session, const Config& config, const std::string& name);

// The source's recipe rendered with its fixed values and then `parameters` (the model's, which
// win; non-text values become their JSON text, as upstream passes them). Throws invalid_argument
// for a file that is not a recipe or a missing required parameter, not_found for a missing file.
Json render_summon_source(const SummonSource& source, const Json& parameters);

// What load puts into the model's context: the recipe's title, description, instructions,
// prompt and parameters, as written (templates not rendered). Throws as render_summon_source.
std::string describe_summon_source(const SummonSource& source);

} // namespace gaggle
