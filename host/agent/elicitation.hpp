#pragma once
// MCP elicitation in a goosed turn (goosed-api.md §5.5): an extension asks the person for
// structured input while one of its tools runs. The turn shows an actionRequired `elicitation`
// message and waits; the desktop answers with a new /reply whose user_message carries an
// actionRequired `elicitationResponse` with the same id, which is delivered here and starts no
// turn of its own.
#include "agent/turn_context.hpp"

#include <functional>
#include <optional>
#include <string>

namespace gaggle {

// Shows the request (the params of elicitation/create) in the turn's stream and blocks until the
// answer comes, the turn is cancelled or `abandoned` says the tool call ended. Returns an MCP
// ElicitResult: {action: accept, content} or {action: cancel}. A request too large to show, or
// without a message, is declined without asking.
Json elicit_from_user(TurnContext& ctx, const Json& params, const std::function<bool()>& abandoned);

struct ElicitationAnswer {
    std::string id;
    Json user_data;
};

// The answer a /reply's user_message carries, if it is an elicitation response. Throws
// unprocessable when it is one but malformed (no id).
std::optional<ElicitationAnswer> elicitation_answer_in(const Json& user_message);

} // namespace gaggle
