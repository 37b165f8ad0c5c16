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
                                const std::vector<std::string>& extension_names)
{
    std::string prompt = PromptTemplates(config.paths()).current("system.md");
    char date[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    std::string extensions;
    for (auto& e : extension_names) extensions += (extensions.empty() ? "" : ", ") + e;
    replace_all(prompt, "{{date}}", date);
    replace_all(prompt, "{{working_dir}}", working_dir);
    replace_all(prompt, "{{extensions}}", extensions.empty() ? "none" : extensions);
    return prompt;
}

} // namespace gaggle
