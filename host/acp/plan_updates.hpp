#pragma once
// The session's task list as an ACP plan. goose's todo tool (todo__todo_write) replaces a
// free-text list, usually a markdown checklist; once such a write has succeeded, the client gets a
// `plan` update holding the list's items, so an editor shows the agent's plan as it changes.
//
// Items are the list's lines ("- ", "* ", "+ " or "1. " first): "[ ]" pending, "[x]" completed,
// "[~]", "[-]" or "[/]" in progress, no box pending; other lines (headings, prose) are not items.
// Every entry is priority "medium" (the list has none). A list without items is an empty plan.
#include "common/json.hpp"

#include <map>
#include <optional>
#include <string>

namespace gaggle::acp {

// The ACP plan update (`sessionUpdate: plan`) for a task list's text; at most 200 entries.
Json plan_update(const std::string& task_list);

// Follows one conversation's Messages in order (a live turn's, or a stored one replayed): the
// plan update due after a Message, when one of its tool results completed a todo write requested
// earlier. Not thread-safe: one caller at a time.
class PlanTracker {
public:
    std::optional<Json> after(const Json& message);

private:
    std::map<std::string, std::string> writes_; // tool call id -> the list it writes
};

} // namespace gaggle::acp
