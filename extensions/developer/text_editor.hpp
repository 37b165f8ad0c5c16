#pragma once
// The developer `text_editor` tool: view (files with line numbers and ranges, directories
// listed), write, str_replace (exactly one match), insert and undo_edit. Text files only: a file
// with NUL bytes is refused. Every edit keeps the previous content for undo_edit.
#include "common/mcp_server.hpp"
#include "developer/path_policy.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::developer {

class TextEditor {
public:
    // Thread-safe: calls may run concurrently (edits of one file are serialised).
    mcp_server::ToolResult run(const nlohmann::json& arguments, const PathPolicy& policy);

    static constexpr std::size_t max_view_bytes = 400 * 1024;  // a whole-file view an LLM can take
    static constexpr std::size_t max_edit_bytes = 16u << 20;   // larger files are not edited in memory
    static constexpr std::size_t undo_depth = 16;              // edits remembered per file

private:
    mcp_server::ToolResult view(const std::filesystem::path& path, const nlohmann::json& args);
    mcp_server::ToolResult write(const std::filesystem::path& path, const nlohmann::json& args);
    mcp_server::ToolResult str_replace(const std::filesystem::path& path, const nlohmann::json& args);
    mcp_server::ToolResult insert(const std::filesystem::path& path, const nlohmann::json& args);
    mcp_server::ToolResult undo(const std::filesystem::path& path);
    void remember(const std::filesystem::path& path, std::optional<std::string> before);

    std::mutex mutex_;
    std::map<std::filesystem::path, std::vector<std::optional<std::string>>> history_; // nullopt: did not exist
};

// Helpers shared with the tree tool and the tests.
std::size_t count_lines(std::string_view text);
bool looks_binary(std::string_view head); // a NUL byte in the first 8 KiB, as git decides

} // namespace gaggle::developer
