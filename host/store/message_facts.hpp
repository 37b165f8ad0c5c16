#pragma once
// What the store needs to know about a Message before persisting it: validation of the shape
// (goosed-api.md §6.1), the columns it is indexed by, and its plain text for full-text search.
#include "common/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gaggle {

struct MessageFacts {
    std::optional<std::string> message_id;
    std::int64_t created = 0;  // unix seconds
    std::string role;
    bool user_visible = true;
    bool agent_visible = true;
    std::string search_text;  // empty for messages hidden from the user: search shows what they saw
};

// Throws Error(invalid_argument) naming the offending field. Unknown content types are
// accepted (newer clients add variants) as long as each item is an object with a string
// "type". A message without `created` is indexed at fallback_created.
MessageFacts inspect_message(const Json& message, std::int64_t fallback_created);

// Words a user would search for: text, thinking and reasoning items, tool names and string
// tool arguments. Tool results are left out on purpose: they are large (file contents, logs)
// and would swamp both the index and the hits. Tolerant of any shape.
std::string extract_search_text(const Json& message);

// The exact text the store keeps for a JSON value: the compact dump (ordered_json keeps field
// order, so a parsed message dumps back to the same bytes). Invalid UTF-8, which only code can
// put into a Json (never a parsed request), is replaced rather than refused, so a stray byte in
// a tool's output can never lose a message.
std::string to_stored_json(const Json& value);

} // namespace gaggle
