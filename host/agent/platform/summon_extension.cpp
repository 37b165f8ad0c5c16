#include "agent/platform/summon_extension.hpp"

#include "agent/agent_manager.hpp"
#include "agent/platform/subagent_task.hpp"
#include "agent/platform/summon_sources.hpp"
#include "agent/platform/tool_text_result.hpp"
#include "agent/session_extensions.hpp"
#include "common/error.hpp"
#include "mcp/extension_config.hpp"

#include <set>

namespace gaggle {
namespace {

constexpr std::int64_t default_subagent_max_turns = 25; // upstream's DEFAULT_SUBAGENT_MAX_TURNS
constexpr std::int64_t default_background_tasks = 5;    // upstream's GOOSE_MAX_BACKGROUND_TASKS default
constexpr const char* no_prompt_text = "Carry out the task your instructions describe, then report the result.";

// A tool argument that is wrong: the model sees the message as the tool's error.
struct BadArgument {
    std::string message;
};

std::optional<std::string> text_argument(const Json& arguments, const char* name)
{
    auto it = arguments.find(name);
    if (it == arguments.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw BadArgument{std::string("`") + name + "` must be a string"};
    if (it->get_ref<const std::string&>().empty()) return std::nullopt;
    return it->get<std::string>();
}

bool flag_argument(const Json& arguments, const char* name)
{
    auto it = arguments.find(name);
    if (it == arguments.end() || it->is_null()) return false;
    if (!it->is_boolean()) throw BadArgument{std::string("`") + name + "` must be true or false"};
    return it->get<bool>();
}

std::int64_t config_number(const Config& config, const char* key, std::int64_t fallback)
{
    auto v = config.get(key);
    return v && v->is_number_integer() && v->get<std::int64_t>() > 0 ? v->get<std::int64_t>() : fallback;
}

std::optional<std::string> recipe_setting(const Json& recipe, const char* key)
{
    const Json settings = recipe.value("settings", Json::object());
    if (!settings.is_object() || !settings.contains(key) || !settings[key].is_string()) return std::nullopt;
    return settings[key].get<std::string>();
}

// The extensions a subagent runs: the recipe's own, else the parent's; never summon itself; only
// those `wanted` names when given ([] for none).
Json subagent_extensions(const Json& recipe, const SessionInfo& parent, const Config& config, const Json* wanted)
{
    const Json base = recipe.contains("extensions") && recipe["extensions"].is_array() ? recipe["extensions"]
                                                                                         : session_extensions(parent, config);
    std::set<std::string> keep;
    if (wanted) {
        if (!wanted->is_array()) throw BadArgument{"`extensions` must be an array of extension names"};
        for (const auto& n : *wanted) {
            if (!n.is_string()) throw BadArgument{"`extensions` must be an array of extension names"};
            keep.insert(mcp::extension_key(n.get<std::string>()));
        }
    }
    Json out = Json::array();
    std::set<std::string> found;
    std::string available;
    for (const auto& e : base) {
        const std::string key = e.is_object() ? mcp::extension_key(e.value("name", std::string())) : std::string();
        if (key.empty() || key == "summon") continue;
        available += (available.empty() ? "" : ", ") + key;
        if (wanted && !keep.count(key)) continue;
        found.insert(key);
        out.push_back(e);
    }
    for (const auto& k : keep)
        if (!found.count(k))
            throw BadArgument{"no extension `" + k + "` to give the subagent (it can have: " +
                              (available.empty() ? std::string("none") : available) + ")"};
    return out;
}

std::string task_state(const SubagentTask& task) { return task.done() ? "finished" : "running"; }

} // namespace

SummonExtension::~SummonExtension()
{
    for (auto& [id, task] : tasks_)
        if (!task->done()) task->cancel();
}

const std::string& SummonExtension::extension_name() const
{
    static const std::string name = "summon";
    return name;
}

std::vector<ToolSpec> SummonExtension::list_tools()
{
    return {
        ToolSpec{"load",
                 "Load knowledge into your context, or see what is available. Without `source`: lists the recipes and "
                 "sub-recipes you can load or delegate to, and your background tasks. With a recipe's name: returns its "
                 "instructions, prompt and parameters. With a background task's id: waits for the task and returns its "
                 "result (cancel: true stops it first).",
                 Json{{"type", "object"},
                      {"properties",
                       {{"source", {{"type", "string"}, {"description", "A source name or a background task id; omit to list"}}},
                        {"cancel", {{"type", "boolean"}, {"description", "For a running background task: stop it and return what it has"}}}}}},
                 true},
        ToolSpec{"delegate",
                 "Delegate a task to a subagent that works in its own session and context and returns only its result. "
                 "Give `instructions` for an ad-hoc task, `source` to run a recipe or sub-recipe (with `parameters`), or "
                 "both. Subagents cannot coordinate: give parallel subagents separate files. For parallel work pass "
                 "async: true to each, then summon__load each task id to collect the results.",
                 Json{{"type", "object"},
                      {"properties",
                       {{"instructions", {{"type", "string"}, {"description", "The task; required without source"}}},
                        {"source", {{"type", "string"}, {"description", "A recipe or sub-recipe name (see summon__load)"}}},
                        {"parameters", {{"type", "object"}, {"description", "Parameter values for the source"}}},
                        {"extensions",
                         {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "Extensions the subagent gets; omit for all of yours, [] for none"}}},
                        {"provider", {{"type", "string"}, {"description", "Another provider for the subagent"}}},
                        {"model", {{"type", "string"}, {"description", "Another model for the subagent"}}},
                        {"max_turns", {{"type", "integer"}, {"minimum", 1}, {"description", "At most this many model calls"}}},
                        {"async", {{"type", "boolean"}, {"description", "Run in the background and return a task id at once"}}}}}},
                 false},
    };
}

Json SummonExtension::call_tool(const ToolContext& ctx, const std::string& tool, const Json& arguments)
{
    const Json args = arguments.is_object() ? arguments : Json::object();
    try {
        if (tool == "load") return load(ctx, args);
        if (tool == "delegate") return delegate(ctx, args);
    } catch (const BadArgument& e) {
        return tool_text_result("Error: " + e.message, true);
    } catch (const Error& e) {
        return tool_text_result("Error: " + std::string(e.what()), true);
    }
    return tool_text_result("Unknown tool summon__" + tool, true);
}

Json SummonExtension::load(const ToolContext& ctx, const Json& args)
{
    const auto source = text_argument(args, "source");
    const bool cancel = flag_argument(args, "cancel");
    if (source) {
        std::shared_ptr<SubagentTask> task;
        {
            std::lock_guard lock(tasks_mutex_);
            if (auto it = tasks_.find(*source); it != tasks_.end()) task = it->second;
        }
        if (task) return collect(ctx, task, cancel);
    }
    const SessionInfo session = ctx.store->get_session(ctx.owner, ctx.session_id);
    if (!source) {
        std::string out;
        std::string kind;
        for (const auto& s : summon_sources(session, host_.config)) {
            if (s.kind != kind) {
                kind = s.kind;
                out += kind == "subrecipe" ? "Sub-recipes:\n" : "Recipes:\n";
            }
            out += "- " + s.name + (s.description.empty() ? "" : ": " + s.description) + "\n";
        }
        std::lock_guard lock(tasks_mutex_);
        if (!tasks_.empty()) out += "Background tasks:\n";
        for (const auto& [id, task] : tasks_) out += "- " + id + " \"" + task->title() + "\": " + task_state(*task) + "\n";
        if (out.empty()) return tool_text_result("Nothing to load: this session has no sub-recipes, the recipe library is empty and no task runs.");
        return tool_text_result(out);
    }
    const auto found = find_summon_source(session, host_.config, *source);
    if (!found) return tool_text_result("Error: no source or task named `" + *source + "` (summon__load without a source lists them)", true);
    return tool_text_result(describe_summon_source(*found));
}

Json SummonExtension::collect(const ToolContext& ctx, std::shared_ptr<SubagentTask> task, bool cancel)
{
    if (cancel) task->cancel();
    if (!task->wait(ctx.cancel))
        return tool_text_result("Stopped waiting for task " + task->session_id() + " (this turn was cancelled); it goes on.", true);
    {
        std::lock_guard lock(tasks_mutex_);
        tasks_.erase(task->session_id());
    }
    Json result = task->result(*ctx.store);
    host_.agents.forget(task->session_id()); // its extensions' servers stop now, not when idle
    return result;
}

Json SummonExtension::delegate(const ToolContext& ctx, const Json& args)
{
    const SessionInfo parent = ctx.store->get_session(ctx.owner, ctx.session_id);
    if (parent.session_type == "sub_agent") return tool_text_result("Error: a subagent cannot delegate further", true);
    const auto instructions = text_argument(args, "instructions");
    const auto source_name = text_argument(args, "source");
    const bool background = flag_argument(args, "async");
    const Json* parameters = args.contains("parameters") && !args["parameters"].is_null() ? &args["parameters"] : nullptr;
    if (!instructions && !source_name) throw BadArgument{"give `instructions`, `source`, or both"};
    if (parameters && !parameters->is_object()) throw BadArgument{"`parameters` must be an object of parameter values"};
    if (parameters && !source_name) throw BadArgument{"`parameters` go with a `source`"};
    std::optional<std::int64_t> max_turns;
    if (args.contains("max_turns") && !args["max_turns"].is_null()) {
        if (!args["max_turns"].is_number_integer() || args["max_turns"].get<std::int64_t>() < 1)
            throw BadArgument{"`max_turns` must be a whole number of at least 1"};
        max_turns = args["max_turns"].get<std::int64_t>();
    }

    SubagentSpec spec;
    if (source_name) {
        const auto source = find_summon_source(parent, host_.config, *source_name);
        if (!source) throw BadArgument{"no recipe or sub-recipe named `" + *source_name + "` (summon__load lists them)"};
        spec.recipe = render_summon_source(*source, parameters ? *parameters : Json::object());
        spec.recipe.erase("parameters"); // rendered already: the sub-session must not ask for them again
        spec.prompt = spec.recipe.value("prompt", std::string());
        if (instructions) spec.prompt += (spec.prompt.empty() ? "" : "\n\n") + *instructions;
        if (spec.prompt.empty()) spec.prompt = no_prompt_text;
    } else {
        spec.recipe = Json{{"version", "1.0.0"}, {"title", "Delegated task"}, {"description", "Ad-hoc delegated task"},
                           {"prompt", *instructions}};
        spec.prompt = *instructions;
    }
    if (!max_turns) {
        const Json settings = spec.recipe.value("settings", Json::object());
        if (!settings.is_object() || !settings.value("max_turns", Json()).is_number_integer() ||
            settings["max_turns"].get<std::int64_t>() < 1)
            max_turns = config_number(host_.config, "GOOSE_SUBAGENT_MAX_TURNS", default_subagent_max_turns);
    }
    if (max_turns) spec.recipe["settings"]["max_turns"] = *max_turns;
    spec.extensions = subagent_extensions(spec.recipe, parent, host_.config, args.contains("extensions") ? &args["extensions"] : nullptr);
    spec.provider = text_argument(args, "provider");
    if (!spec.provider) spec.provider = recipe_setting(spec.recipe, "goose_provider");
    if (!spec.provider) spec.provider = host_.config.get_string("GOOSE_SUBAGENT_PROVIDER");
    spec.model = text_argument(args, "model");
    if (!spec.model) spec.model = recipe_setting(spec.recipe, "goose_model");
    if (!spec.model) spec.model = host_.config.get_string("GOOSE_SUBAGENT_MODEL");

    if (background) {
        std::lock_guard lock(tasks_mutex_);
        std::int64_t running = 0;
        for (const auto& [id, t] : tasks_) running += t->done() ? 0 : 1;
        const std::int64_t limit = config_number(host_.config, "GOOSE_MAX_BACKGROUND_TASKS", default_background_tasks);
        if (running >= limit)
            return tool_text_result("Error: " + std::to_string(running) + " background tasks already run (the limit is " +
                                        std::to_string(limit) + "); collect one with summon__load first",
                                    true);
        auto task = SubagentTask::start(host_, *ctx.store, parent, spec);
        tasks_[task->session_id()] = task;
        Json r = tool_text_result("Started background task " + task->session_id() + " (\"" + task->title() +
                                  "\"). Collect its result with summon__load {\"source\": \"" + task->session_id() + "\"}.");
        r["_meta"] = Json{{"subagent_session_id", task->session_id()}};
        return r;
    }

    std::function<void(const std::string&)> progress;
    if (ctx.notify)
        progress = [notify = ctx.notify](const std::string& line) {
            notify(Json{{"method", "notifications/message"}, {"params", {{"level", "info"}, {"logger", "summon"}, {"data", line}}}});
        };
    auto task = SubagentTask::start(host_, *ctx.store, parent, spec, std::move(progress));
    if (!task->wait(ctx.cancel)) { // the parent's turn was cancelled: so is its subagent
        task->cancel();
        task->wait(nullptr);
    }
    Json result = task->result(*ctx.store);
    host_.agents.forget(task->session_id());
    return result;
}

} // namespace gaggle
