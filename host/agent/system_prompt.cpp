#include "agent/system_prompt.hpp"

#include <ctime>
#include <fstream>
#include <sstream>

namespace gaggle {
namespace {

constexpr const char* default_template =
    "You are a general-purpose AI agent called goose, running inside Gaggle. You help the user by "
    "answering questions and by using the tools you have to get things done.\n\n"
    "The current date is {{date}}. The working directory is {{working_dir}}.\n\n"
    "Extensions you can use: {{extensions}}.\n\n"
    "Use tools when they help; call several at once when they do not depend on each other. "
    "Keep answers concise, and say plainly when you cannot do something.";

void replace_all(std::string& text, const std::string& key, const std::string& value)
{
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
        text.replace(at, key.size(), value);
}

} // namespace

std::string build_system_prompt(const Config& config, const std::string& working_dir,
                                const std::vector<std::string>& extension_names)
{
    std::string prompt = default_template;
    std::ifstream custom(config.paths().config_dir / "prompts" / "system.md");
    if (custom) {
        std::stringstream ss;
        ss << custom.rdbuf();
        if (!ss.str().empty()) prompt = ss.str();
    }
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
