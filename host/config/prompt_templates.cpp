#include "config/prompt_templates.hpp"

#include "common/error.hpp"
#include "config/atomic_file.hpp"

#include <array>
#include <system_error>

namespace gaggle {
namespace {

struct BuiltIn {
    const char* name;
    const char* description;
    const char* content;
};

// {{date}}, {{working_dir}}, {{extensions}} and {{extension_instructions}} are filled in per turn
// (agent/system_prompt.cpp).
constexpr const char* system_default =
    "You are a general-purpose AI agent called goose, running inside Gaggle. You help the user by "
    "answering questions and by using the tools you have to get things done.\n\n"
    "The current date is {{date}}. The working directory is {{working_dir}}.\n\n"
    "Extensions you can use: {{extensions}}.\n\n"
    "Use tools when they help; call several at once when they do not depend on each other. "
    "Keep answers concise, and say plainly when you cannot do something.{{extension_instructions}}";

constexpr const char* compaction_default =
    "Summarise the conversation below so that it can replace it as context for continuing the work. "
    "Keep every fact, decision, file name, command, result and open task that matters; drop chit-chat. "
    "Write it as a brief for the assistant who will continue.";

constexpr std::array<BuiltIn, 2> built_ins{{
    {"system.md", "The system prompt of every agent turn", system_default},
    {"compaction.md", "Instructions for summarising a conversation when it is compacted", compaction_default},
}};

const BuiltIn* built_in(const std::string& name)
{
    for (const auto& b : built_ins)
        if (name == b.name) return &b;
    return nullptr;
}

const BuiltIn& require(const std::string& name)
{
    const BuiltIn* b = built_in(name);
    if (!b) throw not_found("Prompt '" + name + "' not found");
    return *b;
}

} // namespace

PromptTemplates::PromptTemplates(const Paths& paths) : dir_(paths.config_dir / "prompts") {}

std::filesystem::path PromptTemplates::file_of(const std::string& name) const { return dir_ / name; }

std::optional<PromptTemplate> PromptTemplates::find(const std::string& name) const
{
    const BuiltIn* b = built_in(name);
    if (!b) return std::nullopt;
    PromptTemplate t{b->name, b->description, b->content, std::nullopt};
    std::error_code ec;
    if (std::filesystem::is_regular_file(file_of(name), ec)) t.user_content = read_file_text(file_of(name));
    return t;
}

PromptTemplate PromptTemplates::get(const std::string& name) const
{
    require(name);
    return *find(name);
}

std::vector<PromptTemplate> PromptTemplates::list() const
{
    std::vector<PromptTemplate> out;
    for (const auto& b : built_ins) out.push_back(*find(b.name));
    return out;
}

std::string PromptTemplates::current(const std::string& name) const
{
    const PromptTemplate t = get(name);
    return t.user_content && !t.user_content->empty() ? *t.user_content : t.default_content;
}

void PromptTemplates::save(const std::string& name, const std::string& content) const
{
    require(name);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    write_file_atomic(file_of(name), content);
}

bool PromptTemplates::reset(const std::string& name) const
{
    require(name);
    std::error_code ec;
    return std::filesystem::remove(file_of(name), ec);
}

} // namespace gaggle
