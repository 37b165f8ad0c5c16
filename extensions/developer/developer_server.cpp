#include "developer/developer_server.hpp"

#include "developer/path_policy.hpp"
#include "developer/shell_runner.hpp"
#include "developer/text_editor.hpp"
#include "developer/tree_walk.hpp"

#include <algorithm>
#include <cstdlib>

namespace gaggle::developer {

using mcp_server::CallContext;
using mcp_server::ToolResult;
using nlohmann::json;

namespace {

constexpr int default_timeout_secs = 300;           // goose's default extension timeout
constexpr long long max_timeout_secs = 7 * 24 * 3600;
constexpr std::size_t streamed_log_limit = 256 * 1024; // output streamed as log notifications, per call

std::string human_bytes(std::size_t n)
{
    if (n < 10 * 1024) return std::to_string(n) + " bytes";
    if (n < 10 * 1024 * 1024) return std::to_string(n / 1024) + " KiB";
    return std::to_string(n / (1024 * 1024)) + " MiB";
}

ToolResult shell(CallContext& ctx)
{
    ShellRequest req;
    req.command = ctx.arguments()["command"].get<std::string>();
    req.working_dir = ctx.working_dir();
    // Clamped so that a huge value cannot overflow the clock arithmetic.
    req.timeout = std::chrono::seconds(std::min<long long>(ctx.arguments().value("timeout_secs", static_cast<long long>(default_timeout_secs)), max_timeout_secs));
    std::size_t streamed = 0;
    ShellHooks hooks;
    hooks.cancelled = [&] { return ctx.cancelled(); };
    hooks.started = [&](pid_t pgid) {
        ctx.log(mcp_server::LogLevel::debug, "shell", "started process group " + std::to_string(pgid) + " in " + req.working_dir.string());
    };
    std::size_t total = 0;
    hooks.output = [&](std::string_view chunk) {
        total += chunk.size();
        // Stream the start of the output as it comes; past the limit, only progress counts go out,
        // so a command printing gigabytes does not flood the client.
        if (streamed < streamed_log_limit) {
            const auto piece = chunk.substr(0, streamed_log_limit - streamed);
            streamed += piece.size();
            ctx.log(mcp_server::LogLevel::info, "shell", std::string(piece));
        }
        ctx.progress(static_cast<double>(total), std::nullopt, human_bytes(total) + " of output");
    };
    const ShellOutcome r = run_shell(req, hooks);
    if (!r.started) return ToolResult::error(r.spawn_error);

    std::string text;
    if (r.output_file) {
        std::string tail = r.output;
        if (auto nl = tail.find('\n'); nl != std::string::npos && nl + 1 < tail.size()) tail.erase(0, nl + 1); // start at a whole line
        text = "The command printed " + human_bytes(r.total_bytes) + " in " + std::to_string(r.total_lines) +
               " lines, too much to show here. The full output is in " + r.output_file->string() +
               " (read parts of it with text_editor view and a view_range, or with grep/head/tail). Its last lines:\n" + tail;
    } else {
        text = r.output.empty() ? "(no output)" : r.output;
    }
    if (r.timed_out)
        return ToolResult::error(text + "\n[timed out after " + std::to_string(req.timeout.count() / 1000) + " s; the command and every process it started were killed]");
    if (r.cancelled) return ToolResult::error(text + "\n[cancelled; the command and every process it started were killed]");
    if (r.exit_code != 0) text += "\n[exit code " + std::to_string(r.exit_code) + "]";
    return ToolResult::text(text);
}

json shell_schema()
{
    return {{"type", "object"},
            {"properties",
             {{"command", {{"type", "string"}, {"description", "The bash command to run (bash -c), in the working directory."}}},
              {"timeout_secs", {{"type", "integer"}, {"minimum", 1}, {"description", "Kill the command (and everything it started) after this many seconds. Default 300."}}}}},
            {"required", {"command"}},
            {"additionalProperties", false}};
}

json text_editor_schema()
{
    return {{"type", "object"},
            {"properties",
             {{"command", {{"type", "string"}, {"enum", {"view", "write", "str_replace", "insert", "undo_edit"}}, {"description", "What to do."}}},
              {"path", {{"type", "string"}, {"description", "File or directory; absolute, or relative to the working directory."}}},
              {"view_range", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"minItems", 2}, {"maxItems", 2},
                              {"description", "view: [first, last] line numbers, 1-based; last -1 means to the end."}}},
              {"file_text", {{"type", "string"}, {"description", "write: the whole new content."}}},
              {"old_str", {{"type", "string"}, {"description", "str_replace: text that must occur exactly once."}}},
              {"new_str", {{"type", "string"}, {"description", "str_replace: the replacement; insert: the text to insert."}}},
              {"insert_line", {{"type", "integer"}, {"minimum", 0}, {"description", "insert: the line after which to insert (0 = at the top)."}}}}},
            {"required", {"command", "path"}},
            {"additionalProperties", false}};
}

json tree_schema()
{
    return {{"type", "object"},
            {"properties",
             {{"path", {{"type", "string"}, {"description", "Directory to list; default the working directory."}}},
              {"depth", {{"type", "integer"}, {"minimum", 1}, {"description", "Levels to show (default 3; 32 with a pattern)."}}},
              {"pattern", {{"type", "string"}, {"description", "Find files instead: a glob on the file name (or on the relative path when it has a '/'), e.g. *.cpp or src/**/test_*.py."}}}}},
            {"additionalProperties", false}};
}

std::string instructions()
{
    return "The developer extension runs shell commands and edits files in the working directory "
           "(the first root the client gives, else the directory the server was started in). "
           "Use tree to see a project (it hides what .gitignore hides) or find files by pattern, "
           "text_editor to view and edit text files, shell for everything else. Large command output is "
           "saved to a file and summarised; commands time out after 300 s unless timeout_secs says otherwise.";
}

} // namespace

std::unique_ptr<mcp_server::Server> make_developer_server()
{
    auto server = std::make_unique<mcp_server::Server>(mcp_server::ServerInfo{"developer", GAGGLE_EXTENSIONS_VERSION, "Developer", instructions});
    auto editor = std::make_shared<TextEditor>();

    server->add_tool({"shell", "Run a shell command",
                      "Run a bash command in the working directory and return its output (stdout and stderr merged). "
                      "Output is streamed as log notifications while it runs; output larger than 64 KiB is saved to a file "
                      "whose path is returned with the last lines. The command runs in its own process group, killed "
                      "entirely on timeout or cancellation.",
                      shell_schema(),
                      {{"readOnlyHint", false}, {"destructiveHint", true}, {"idempotentHint", false}, {"openWorldHint", true}},
                      shell});
    server->add_tool({"text_editor", "View and edit text files",
                      "view a file (with line numbers; view_range for part of it) or list a directory; write a whole file; "
                      "str_replace text that occurs exactly once; insert text after a line; undo_edit the last edit of a file. "
                      "Binary files are refused. Replies give the file's line count.",
                      text_editor_schema(),
                      {{"readOnlyHint", false}, {"destructiveHint", true}, {"idempotentHint", false}, {"openWorldHint", false}},
                      [editor](CallContext& ctx) {
                          PathPolicy policy(ctx.working_dir(), ctx.roots());
                          return editor->run(ctx.arguments(), policy);
                      }});
    server->add_tool({"tree", "List files",
                      "Show the directory tree under a path with each file's line count, hiding what .gitignore hides; "
                      "or, with a pattern, list the matching files.",
                      tree_schema(),
                      {{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}},
                      [](CallContext& ctx) {
                          PathPolicy policy(ctx.working_dir(), ctx.roots());
                          const auto& args = ctx.arguments();
                          auto resolved = policy.resolve(args.value("path", ctx.working_dir().string()));
                          if (auto* err = std::get_if<std::string>(&resolved)) return ToolResult::error(*err);
                          TreeOptions o;
                          o.root = std::get<std::filesystem::path>(resolved);
                          o.pattern = args.value("pattern", "");
                          o.depth = args.value("depth", o.pattern.empty() ? 3 : 32);
                          auto text = walk_tree(o);
                          if (text.rfind("error: ", 0) == 0) return ToolResult::error(text.substr(7));
                          return ToolResult::text(text);
                      }});
    return server;
}

} // namespace gaggle::developer
