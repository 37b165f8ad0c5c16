#include "acp/editor_tools.hpp"

#include "acp/jsonrpc.hpp"
#include "common/text_lines.hpp" // extensions/common: the builtin text_editor shows lines the same way

#include <filesystem>
#include <string_view>
#include <vector>

namespace gaggle::acp {
namespace {

constexpr const char* text_editor_tool = "developer__text_editor";
constexpr const char* shell_tool = "developer__shell";
constexpr std::size_t max_view_bytes = 100 * 1024; // what a view puts in the model's context
constexpr std::size_t max_undo = 20;
constexpr std::uint64_t terminal_output_limit = 64 * 1024;
constexpr std::chrono::milliseconds fs_timeout{60'000};
constexpr std::chrono::milliseconds kill_timeout{5'000};

Json text_result(const std::string& text, bool is_error = false)
{
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", text}}})}, {"isError", is_error}};
}

bool flag(const Json& o, const char* key)
{
    auto it = o.find(key);
    return it != o.end() && it->is_boolean() && it->get<bool>();
}

const std::string* string_arg(const Json& args, const char* key)
{
    auto it = args.find(key);
    return it != args.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

using text_lines::numbered;

std::vector<std::string_view> split_lines(std::string_view text) { return text_lines::split(text); }

std::string lines_of(const std::string& text) { return std::to_string(text_lines::count(text)) + " lines"; }

} // namespace

ClientCapabilities client_capabilities(const Json& params)
{
    ClientCapabilities c;
    if (!params.is_object()) return c;
    const Json& caps = params.value("clientCapabilities", Json::object());
    if (!caps.is_object()) return c;
    if (auto fs = caps.find("fs"); fs != caps.end() && fs->is_object()) {
        c.read_text_file = flag(*fs, "readTextFile");
        c.write_text_file = flag(*fs, "writeTextFile");
    }
    c.terminal = flag(caps, "terminal");
    return c;
}

EditorTools::EditorTools(ClientRequests& requests, Outbox& out, std::string session_id, ClientCapabilities capabilities)
    : requests_(requests), out_(out), session_id_(std::move(session_id)), capabilities_(capabilities)
{
}

std::optional<Json> EditorTools::run(const ToolContext& context, const std::string& tool_name, const Json& arguments)
{
    if (!arguments.is_object()) return std::nullopt;
    try {
        if (tool_name == text_editor_tool) return text_editor(context, arguments);
        if (tool_name == shell_tool) return shell(context, arguments);
    } catch (const ClientCallFailed& e) {
        return text_result(std::string("The editor could not do it: ") + e.what(), true);
    } catch (const std::exception& e) {
        return text_result(std::string("Tool failed: ") + e.what(), true);
    }
    return std::nullopt;
}

std::string EditorTools::read(const std::string& path, const ToolContext& context)
{
    const Json r = requests_.call("fs/read_text_file", Json{{"sessionId", session_id_}, {"path", path}}, context.cancel, fs_timeout);
    if (!r.is_object() || !r.contains("content") || !r["content"].is_string())
        throw ClientCallFailed("fs/read_text_file answered no `content` for " + path, ClientCallFailed::Why::refused);
    return r["content"].get<std::string>();
}

void EditorTools::write(const std::string& path, const std::string& content, const ToolContext& context)
{
    requests_.call("fs/write_text_file", Json{{"sessionId", session_id_}, {"path", path}, {"content", content}}, context.cancel, fs_timeout);
}

void EditorTools::remember(const std::string& path, std::string before)
{
    std::lock_guard lock(mutex_);
    undo_.push_back({path, std::move(before)});
    if (undo_.size() > max_undo) undo_.pop_front();
}

std::optional<Json> EditorTools::text_editor(const ToolContext& context, const Json& args)
{
    const std::string* command = string_arg(args, "command");
    const std::string* given = string_arg(args, "path");
    if (!command || !given || given->empty()) return std::nullopt;
    std::filesystem::path p(*given);
    if (p.is_relative()) p = std::filesystem::path(context.working_dir) / p;
    const std::string path = p.lexically_normal().string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return std::nullopt; // a listing is the builtin's
    const bool can_read = capabilities_.read_text_file, can_write = capabilities_.write_text_file;

    if (*command == "view" && can_read) {
        const std::string text = read(path, context);
        const auto lines = split_lines(text);
        std::size_t first = 1, last = lines.size();
        if (auto range = args.find("view_range"); range != args.end()) {
            if (!range->is_array() || range->size() != 2 || !(*range)[0].is_number_integer() || !(*range)[1].is_number_integer())
                return std::nullopt;
            const long long a = (*range)[0].get<long long>(), b = (*range)[1].get<long long>();
            if (a < 1 || static_cast<std::size_t>(a) > std::max<std::size_t>(lines.size(), 1))
                return text_result("argument 'view_range': start line " + std::to_string(a) + " is outside the file's " +
                                       std::to_string(lines.size()) + " lines",
                                   true);
            if (b != -1 && b < a) return text_result("argument 'view_range': end line must be -1 or at least the start line", true);
            first = static_cast<std::size_t>(a);
            last = b == -1 ? lines.size() : std::min(lines.size(), static_cast<std::size_t>(b));
        }
        std::size_t bytes = 0, i = first;
        for (; i <= last && bytes < max_view_bytes; ++i) bytes += lines[i - 1].size() + 1;
        last = i - 1;
        std::string out = path + " (" + std::to_string(lines.size()) + " lines";
        if (first > 1 || last < lines.size()) out += ", showing " + std::to_string(first) + "-" + std::to_string(last);
        return text_result(out + ", as open in the editor)\n" + numbered(lines, first, last));
    }
    if (*command == "write" && can_write) {
        const std::string* text = string_arg(args, "file_text");
        if (!text) return std::nullopt;
        if (can_read) {
            try {
                remember(path, read(path, context));
            } catch (const ClientCallFailed& e) {
                if (e.cancelled()) throw;
                // a new file: nothing to undo to
            }
        }
        write(path, *text, context);
        return text_result("Wrote " + path + " (" + lines_of(*text) + ") in the editor");
    }
    if (*command == "str_replace" && can_read && can_write) {
        const std::string* old_str = string_arg(args, "old_str");
        const std::string* new_str = string_arg(args, "new_str");
        if (!old_str || old_str->empty() || !new_str) return std::nullopt;
        std::string text = read(path, context);
        const std::size_t at = text.find(*old_str);
        if (at == std::string::npos) return text_result("old_str does not occur in " + path + " (as open in the editor)", true);
        if (text.find(*old_str, at + 1) != std::string::npos)
            return text_result("old_str occurs more than once in " + path + "; give more context so it occurs exactly once", true);
        std::string before = text;
        text.replace(at, old_str->size(), *new_str);
        write(path, text, context);
        remember(path, std::move(before));
        return text_result("Edited " + path + " in the editor (" + lines_of(text) + ")");
    }
    if (*command == "insert" && can_read && can_write) {
        const std::string* new_str = string_arg(args, "new_str");
        auto line = args.find("insert_line");
        if (!new_str || line == args.end() || !line->is_number_integer()) return std::nullopt;
        std::string text = read(path, context);
        const auto total = text_lines::count(text);
        const long long after = line->get<long long>();
        if (after < 0 || static_cast<std::size_t>(after) > total)
            return text_result("argument 'insert_line' must be between 0 and " + std::to_string(total) + " (the file's line count)", true);
        std::string before = std::move(text);
        text = text_lines::insert_after(before, static_cast<std::size_t>(after), *new_str);
        write(path, text, context);
        remember(path, std::move(before));
        return text_result("Inserted into " + path + " in the editor after line " + std::to_string(after) + " (" + lines_of(text) + ")");
    }
    if (*command == "undo_edit" && can_write) {
        std::optional<std::string> before;
        {
            std::lock_guard lock(mutex_);
            for (auto it = undo_.rbegin(); it != undo_.rend(); ++it)
                if (it->path == path) {
                    before = std::move(it->before);
                    undo_.erase(std::next(it).base());
                    break;
                }
        }
        if (!before) return text_result("no edit of " + path + " made in the editor to undo", true);
        write(path, *before, context);
        return text_result("Undid the last edit of " + path + " in the editor");
    }
    return std::nullopt;
}

std::optional<Json> EditorTools::shell(const ToolContext& context, const Json& args)
{
    const std::string* command = string_arg(args, "command");
    if (!capabilities_.terminal || !command) return std::nullopt;
    long long timeout_secs = 300;
    if (auto t = args.find("timeout_secs"); t != args.end()) {
        if (!t->is_number_integer() || t->get<long long>() < 1) return std::nullopt;
        timeout_secs = std::min<long long>(t->get<long long>(), 24 * 3600);
    }
    const Json created = requests_.call("terminal/create",
                                        Json{{"sessionId", session_id_},
                                             {"command", "bash"},
                                             {"args", Json::array({"-c", *command})},
                                             {"cwd", context.working_dir},
                                             {"outputByteLimit", terminal_output_limit}},
                                        context.cancel, fs_timeout);
    if (!created.is_object() || !created.contains("terminalId") || !created["terminalId"].is_string())
        return text_result("terminal/create answered no `terminalId`", true);
    const std::string terminal = created["terminalId"];
    const Json ids{{"sessionId", session_id_}, {"terminalId", terminal}};
    // The editor shows the live terminal inside the tool call while the command runs.
    Json live{{"sessionUpdate", "tool_call_update"}, {"toolCallId", context.tool_request_id}, {"status", "in_progress"}};
    live["content"] = Json::array({Json{{"type", "terminal"}, {"terminalId", terminal}}});
    out_.send(make_notification("session/update", Json{{"sessionId", session_id_}, {"update", std::move(live)}}));
    std::string stopped; // why the command was killed, if it was
    try {
        requests_.call("terminal/wait_for_exit", ids, context.cancel, std::chrono::seconds(timeout_secs));
    } catch (const ClientCallFailed& e) {
        if (e.why() == ClientCallFailed::Why::cancelled) {
            // The turn is ending and whoever reads the client's answers may be waiting for it
            // (session/close): kill and free the terminal without waiting for the editor.
            requests_.send_only("terminal/kill", ids);
            requests_.send_only("terminal/release", ids);
            return text_result("[cancelled; the command was killed in the editor's terminal]", true);
        }
        stopped = e.why() == ClientCallFailed::Why::timed_out ? "timed out after " + std::to_string(timeout_secs) + " s"
                                                               : std::string("the editor could not wait for it: ") + e.what();
        try {
            requests_.call("terminal/kill", ids, nullptr, kill_timeout);
        } catch (const ClientCallFailed&) {
            // the client is gone or cannot kill it: release below still frees what it can
        }
    }
    std::string text;
    bool failed = !stopped.empty();
    try {
        const Json output = requests_.call("terminal/output", ids, nullptr, fs_timeout);
        text = output.is_object() && output.contains("output") && output["output"].is_string() ? output["output"].get<std::string>() : "";
        if (text.empty()) text = "(no output)";
        if (output.is_object() && flag(output, "truncated"))
            text = "[only the last " + std::to_string(terminal_output_limit / 1024) + " KiB of output are kept]\n" + text;
        const Json status = output.is_object() ? output.value("exitStatus", Json()) : Json();
        if (status.is_object()) {
            const Json code = status.value("exitCode", Json());
            const Json signal = status.value("signal", Json());
            if (code.is_number_integer() && code.get<long long>() != 0) text += "\n[exit code " + std::to_string(code.get<long long>()) + "]";
            if (signal.is_string()) {
                text += "\n[killed by " + signal.get<std::string>() + "]";
                failed = true;
            }
        }
    } catch (const ClientCallFailed& e) {
        text = std::string("(the editor gave no output: ") + e.what() + ")";
        failed = true;
    }
    try {
        requests_.call("terminal/release", ids, nullptr, kill_timeout);
    } catch (const ClientCallFailed&) {
        // nothing more to free on our side
    }
    if (!stopped.empty()) text += "\n[" + stopped + "; the command was killed in the editor's terminal]";
    return text_result(text, failed);
}

} // namespace gaggle::acp
