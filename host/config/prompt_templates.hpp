#pragma once
// The prompt templates the host sends to models, each with a built-in default that a user may
// override with a file <config>/prompts/<name> (what /config/prompts reads and edits). Only the
// templates the host really uses are listed: an override of one of them changes what the model sees.
#include "config/paths.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct PromptTemplate {
    std::string name;         // file name, e.g. "system.md"
    std::string description;
    std::string default_content;
    std::optional<std::string> user_content; // the override, when one is saved
};

class PromptTemplates {
public:
    explicit PromptTemplates(const Paths& paths);

    // Every known template with its override state, in a stable order.
    std::vector<PromptTemplate> list() const;
    // nullopt when `name` is not a known template.
    std::optional<PromptTemplate> find(const std::string& name) const;
    // As find(), but an unknown name throws not_found ("Prompt '<name>' not found").
    PromptTemplate get(const std::string& name) const;
    // The text in force: the override when saved and non-empty, else the default. `name` must
    // be known (throws not_found otherwise).
    std::string current(const std::string& name) const;
    // Saves an override (atomically). Throws not_found for an unknown name.
    void save(const std::string& name, const std::string& content) const;
    // Removes the override; returns whether there was one. Throws not_found for an unknown name.
    bool reset(const std::string& name) const;

private:
    std::filesystem::path file_of(const std::string& name) const;
    std::filesystem::path dir_;
};

} // namespace gaggle
