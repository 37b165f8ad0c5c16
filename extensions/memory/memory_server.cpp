#include "memory/memory_server.hpp"

#include "memory/memory_store.hpp"

namespace gaggle::memory {

using mcp_server::CallContext;
using mcp_server::ToolResult;
using nlohmann::json;

namespace {

constexpr std::size_t max_instruction_memories = 16 * 1024; // saved memories quoted at initialize

MemoryStore store_for(const CallContext& ctx)
{
    if (ctx.arguments().value("is_global", false)) return MemoryStore(global_memory_dir());
    return MemoryStore(ctx.working_dir() / ".goose" / "memory");
}

std::string render(const std::map<std::string, std::vector<Memory>>& found)
{
    std::string out;
    for (const auto& [category, memories] : found) {
        out += "## " + category + "\n";
        for (const auto& m : memories) {
            out += "- " + m.text;
            if (!m.tags.empty()) {
                out += " [tags:";
                for (const auto& t : m.tags) out += " " + t;
                out += "]";
            }
            out += "\n";
        }
    }
    return out;
}

json scope_property()
{
    return {{"type", "boolean"}, {"description", "true: the user's global memories; false: this project's (.goose/memory in the working directory)."}};
}

// The arguments of the tools that take one category or "*" for every one.
json category_or_all_schema()
{
    return {{"type", "object"},
            {"properties", {{"category", {{"type", "string"}, {"description", "The category, or \"*\" for all."}}}, {"is_global", scope_property()}}},
            {"required", {"category", "is_global"}},
            {"additionalProperties", false}};
}

// A store is made per call: the working dir may differ between calls (roots) and the files are
// the truth, so nothing is cached. Category files are small; reading them per call is cheap.
std::optional<std::string> bad_category(const json& args, bool star_allowed)
{
    const std::string category = args["category"].get<std::string>();
    if (star_allowed && category == "*") return std::nullopt;
    return MemoryStore::check_category(category);
}

std::string instructions()
{
    std::string text =
        "The memory extension keeps things the user asks you to remember, by category, either for this project "
        "(local) or for everywhere (global). Save with remember_memory when the user says to remember something; "
        "read with retrieve_memories (category \"*\" for all); forget with remove_specific_memory or remove_memory_category.";
    std::string saved;
    for (auto [label, dir] : {std::pair<const char*, std::filesystem::path>{"global", global_memory_dir()}}) {
        auto found = MemoryStore(dir).retrieve("*");
        if (!found.empty()) saved += "\n# " + std::string(label) + " memories\n" + render(found);
    }
    std::error_code ec;
    auto local = MemoryStore(std::filesystem::current_path(ec) / ".goose" / "memory").retrieve("*");
    if (!local.empty()) saved += "\n# local memories\n" + render(local);
    if (saved.size() > max_instruction_memories) saved = saved.substr(0, max_instruction_memories) + "\n... (more saved; use retrieve_memories)";
    if (!saved.empty()) text += "\n\nSaved memories:" + saved;
    return text;
}

} // namespace

std::unique_ptr<mcp_server::Server> make_memory_server()
{
    auto server = std::make_unique<mcp_server::Server>(mcp_server::ServerInfo{"memory", GAGGLE_EXTENSIONS_VERSION, "Memory", instructions});
    const json write_annotations = {{"readOnlyHint", false}, {"destructiveHint", false}, {"idempotentHint", false}, {"openWorldHint", false}};
    const json read_annotations = {{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
    const json remove_annotations = {{"readOnlyHint", false}, {"destructiveHint", true}, {"idempotentHint", true}, {"openWorldHint", false}};

    server->add_tool({"remember_memory", "Remember",
                      "Store a memory in a category, with optional tags, globally or for this project.",
                      {{"type", "object"},
                       {"properties",
                        {{"category", {{"type", "string"}, {"description", "A short name such as preferences or build_commands."}}},
                         {"data", {{"type", "string"}, {"description", "What to remember."}}},
                         {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "Optional one-word tags."}}},
                         {"is_global", scope_property()}}},
                       {"required", {"category", "data", "is_global"}},
                       {"additionalProperties", false}},
                      write_annotations,
                      [](CallContext& ctx) {
                          const auto& a = ctx.arguments();
                          if (auto bad = bad_category(a, false)) return ToolResult::error(*bad);
                          if (a["data"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
                              return ToolResult::error("argument 'data' is empty");
                          auto store = store_for(ctx);
                          store.remember(a["category"], a["data"], a.value("tags", std::vector<std::string>{}));
                          return ToolResult::text("Stored the memory in category '" + a["category"].get<std::string>() + "' (" + store.dir().string() + ")");
                      }});
    server->add_tool({"retrieve_memories", "Retrieve memories",
                      "Read the memories of a category, or of every category with \"*\".",
                      category_or_all_schema(),
                      read_annotations,
                      [](CallContext& ctx) {
                          const auto& a = ctx.arguments();
                          if (auto bad = bad_category(a, true)) return ToolResult::error(*bad);
                          auto found = store_for(ctx).retrieve(a["category"]);
                          if (found.empty()) return ToolResult::text("No memories in " + (a["category"] == "*" ? std::string("any category") : "category '" + a["category"].get<std::string>() + "'"));
                          return ToolResult::text(render(found));
                      }});
    server->add_tool({"remove_memory_category", "Forget a category",
                      "Remove every memory of a category, or of all categories with \"*\".",
                      category_or_all_schema(),
                      remove_annotations,
                      [](CallContext& ctx) {
                          const auto& a = ctx.arguments();
                          if (auto bad = bad_category(a, true)) return ToolResult::error(*bad);
                          const auto n = store_for(ctx).remove_category(a["category"]);
                          return ToolResult::text("Removed " + std::to_string(n) + (n == 1 ? " category" : " categories"));
                      }});
    server->add_tool({"remove_specific_memory", "Forget a memory",
                      "Remove the memories of a category whose text contains memory_content.",
                      {{"type", "object"},
                       {"properties",
                        {{"category", {{"type", "string"}}},
                         {"memory_content", {{"type", "string"}, {"description", "Text the memory to remove contains."}}},
                         {"is_global", scope_property()}}},
                       {"required", {"category", "memory_content", "is_global"}},
                       {"additionalProperties", false}},
                      remove_annotations,
                      [](CallContext& ctx) {
                          const auto& a = ctx.arguments();
                          if (auto bad = bad_category(a, false)) return ToolResult::error(*bad);
                          if (a["memory_content"].get<std::string>().empty()) return ToolResult::error("argument 'memory_content' is empty");
                          const auto n = store_for(ctx).remove_matching(a["category"], a["memory_content"]);
                          if (n == 0) return ToolResult::error("No memory in category '" + a["category"].get<std::string>() + "' contains that text; nothing removed");
                          return ToolResult::text("Removed " + std::to_string(n) + (n == 1 ? " memory" : " memories"));
                      }});
    return server;
}

} // namespace gaggle::memory
