#include "agent/system_prompt.hpp"

#include "config/prompt_templates.hpp"

#include <ctime>

namespace gaggle {
namespace {

void replace_all(std::string& text, const std::string& key, const std::string& value)
{
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
        text.replace(at, key.size(), value);
}

} // namespace

std::string build_system_prompt(const Config& config, const std::string& working_dir,
                                const std::vector<ExtensionPrompt>& extensions)
{
    constexpr size_t max_instructions = 16 * 1024;
    std::string prompt = PromptTemplates(config.paths()).current("system.md");
    char date[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    std::string names;
    for (auto& e : extensions) names += (names.empty() ? "" : ", ") + e.name;
    replace_all(prompt, "{{date}}", date);
    replace_all(prompt, "{{working_dir}}", working_dir);
    replace_all(prompt, "{{extensions}}", names.empty() ? "none" : names);
    std::string instructions;
    for (auto& e : extensions) {
        if (e.instructions.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        if (instructions.empty()) instructions = "\n\n# Extension instructions\n";
        instructions += "\n## " + e.name + "\n\n";
        if (e.instructions.size() <= max_instructions) {
            instructions += e.instructions;
        } else {
            instructions.append(e.instructions, 0, max_instructions);
            instructions += "\n[instructions cut at 16 KiB]";
        }
        instructions += "\n";
    }
    replace_all(prompt, "{{extension_instructions}}", instructions);
    return prompt;
}

} // namespace gaggle
