#include "recipe/recipe_library.hpp"

#include "common/error.hpp"
#include "recipe/recipe_document.hpp"
#include "recipe/recipe_id.hpp"
#include "recipe/recipe_yaml.hpp"
#include "store/timestamps.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

namespace gaggle {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t max_files_per_folder = 2000;
constexpr std::uintmax_t max_recipe_bytes = 4u * 1024u * 1024u;

bool is_recipe_file(const fs::path& p)
{
    const std::string ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string modified_rfc3339(const fs::path& p)
{
    std::error_code ec;
    const auto t = fs::last_write_time(p, ec);
    if (ec) return {};
    const auto sys = std::chrono::file_clock::to_sys(t);
    return format_rfc3339_utc(std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count());
}

std::string slug(const std::string& title)
{
    std::string out;
    for (unsigned char c : title) {
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '-') out += '-';
        if (out.size() >= 64) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "recipe" : out;
}

void write_atomically(const fs::path& target, const std::string& text)
{
    const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw internal_error("cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw internal_error("cannot write " + target.string());
    }
}

} // namespace

RecipeDirectories recipe_directories(const Config& config, const fs::path& cwd)
{
    RecipeDirectories dirs;
    dirs.global = config.paths().config_dir / "recipes";
    if (auto path = config.get_string("GOOSE_RECIPE_PATH")) {
        std::stringstream s(*path);
        std::string entry;
        while (std::getline(s, entry, ':'))
            if (!entry.empty()) dirs.search.emplace_back(entry);
    }
    dirs.search.push_back(dirs.global);
    if (!cwd.empty()) dirs.search.push_back(cwd / ".goose" / "recipes");
    // The same folder named twice is searched once.
    std::vector<fs::path> unique;
    std::set<std::string> seen;
    for (const auto& d : dirs.search)
        if (seen.insert(d.lexically_normal().string()).second) unique.push_back(d);
    dirs.search = std::move(unique);
    return dirs;
}

RecipeFile load_recipe_file(const fs::path& path)
{
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw not_found("recipe file not found: " + path.string());
    if (size > max_recipe_bytes) throw invalid_argument(path.string() + ": larger than 4 MiB");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    RecipeFile f;
    f.path = path;
    f.id = recipe_id_for_path(path.string());
    f.last_modified = modified_rfc3339(path);
    try {
        f.recipe = parse_and_validate_recipe(text.str());
    } catch (const Error& e) {
        throw invalid_argument(path.string() + ": " + e.what());
    }
    if (f.recipe.contains("sub_recipes"))
        for (auto& sub : f.recipe["sub_recipes"]) {
            const fs::path p = sub["path"].get<std::string>();
            if (p.is_relative()) sub["path"] = (path.parent_path() / p).lexically_normal().string();
        }
    return f;
}

std::vector<RecipeFile> list_recipe_files(const RecipeDirectories& dirs)
{
    std::vector<RecipeFile> out;
    std::set<std::string> seen;
    for (const auto& dir : dirs.search) {
        std::error_code ec;
        fs::directory_iterator it(dir, ec), end;
        std::size_t count = 0;
        for (; !ec && it != end && count < max_files_per_folder; it.increment(ec), ++count) {
            const fs::path p = it->path();
            if (!is_recipe_file(p) || !it->is_regular_file(ec) || !seen.insert(p.string()).second) continue;
            try {
                out.push_back(load_recipe_file(p));
            } catch (const Error& e) {
                spdlog::warn("skipping recipe {}", e.what());
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const RecipeFile& a, const RecipeFile& b) { return a.last_modified > b.last_modified; });
    return out;
}

std::optional<RecipeFile> find_recipe_by_id(const RecipeDirectories& dirs, const std::string& id)
{
    for (auto& f : list_recipe_files(dirs))
        if (f.id == id) return std::move(f);
    return std::nullopt;
}

SavedRecipe save_recipe_file(const RecipeDirectories& dirs, const Json& recipe, const std::optional<fs::path>& existing)
{
    fs::path target;
    if (existing) {
        target = *existing;
    } else {
        std::error_code ec;
        fs::create_directories(dirs.global, ec);
        if (ec) throw internal_error("cannot create the recipe library " + dirs.global.string() + ": " + ec.message());
        const std::string base = slug(recipe.value("title", std::string()));
        target = dirs.global / (base + ".yaml");
        for (int n = 2; fs::exists(target); ++n) {
            if (n > 1000) throw internal_error("too many recipes named " + base);
            target = dirs.global / (base + "-" + std::to_string(n) + ".yaml");
        }
    }
    write_atomically(target, recipe_to_yaml(recipe));
    return SavedRecipe{recipe_id_for_path(target.string()), target.filename().string(), target};
}

} // namespace gaggle
